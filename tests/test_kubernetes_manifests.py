"""deploy/k8s: the manifests parse and refer to each other consistently (no cluster runs here)."""

import shlex

import yaml

from tangent.queues import QUEUES
from tests.conftest import ROOT

FOLDER = ROOT / "deploy" / "k8s"
DOCUMENTS = [
    doc for path in sorted(FOLDER.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text())
]


def of_kind(kind: str) -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in DOCUMENTS if d and d["kind"] == kind}


def containers(workload: dict) -> list[dict]:
    return workload["spec"]["template"]["spec"]["containers"]


def command(workload: dict) -> str:
    return shlex.join(containers(workload)[0]["command"])


DEPLOYMENTS = of_kind("Deployment")


def test_one_worker_deployment_per_queue_runs_that_queue():
    workers = {name for name in DEPLOYMENTS if name.startswith("tangent-worker-")}
    assert workers == {f"tangent-worker-{queue}" for queue in QUEUES}
    for queue in QUEUES:
        assert command(DEPLOYMENTS[f"tangent-worker-{queue}"]).startswith(
            f"python -m tangent.worker {queue} "
        )


def test_each_worker_deployment_is_scaled_on_its_own_queue_s_depth():
    config = of_kind("ConfigMap")["tangent-config"]["data"]
    auth = of_kind("TriggerAuthentication")
    scaled = {s["spec"]["scaleTargetRef"]["name"]: s for s in of_kind("ScaledObject").values()}
    for queue in QUEUES:
        (trigger,) = scaled[f"tangent-worker-{queue}"]["spec"]["triggers"]
        assert trigger["type"] == "redis"
        assert trigger["metadata"]["listName"] == config["TANGENT_REDIS_PREFIX"] + queue
        assert int(trigger["metadata"]["listLength"]) > 0
        assert trigger["authenticationRef"]["name"] in auth
    for target in auth.values():
        for ref in target["spec"]["secretTargetRef"]:
            assert ref["key"] in of_kind("Secret")[ref["name"]]["stringData"]


def test_only_the_sandbox_s_workers_run_without_the_default_seccomp_profile():
    for name, deployment in DEPLOYMENTS.items():
        context = containers(deployment)[0].get("securityContext", {})
        unconfined = context.get("seccompProfile", {}).get("type") == "Unconfined"
        assert unconfined == (name == "tangent-worker-code"), name
        assert not context.get("privileged")


def test_exactly_one_beat_and_a_migration_job():
    beats = [d for d in DEPLOYMENTS.values() if " beat " in f" {command(d)} "]
    assert len(beats) == 1
    assert beats[0]["spec"]["replicas"] == 1 and beats[0]["spec"]["strategy"]["type"] == "Recreate"
    (job,) = of_kind("Job").values()
    assert "manage.py migrate" in command(job) and "load_exercises" in command(job)


def test_the_web_is_probed_on_the_health_endpoint_and_served_by_its_service():
    web = DEPLOYMENTS["tangent-web"]
    (container,) = containers(web)
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        check = container[probe]["httpGet"]
        assert check["path"] == "/api/v1/health" and check["port"] in ports
    service = of_kind("Service")["tangent-web"]
    assert (
        service["spec"]["selector"].items() <= web["spec"]["template"]["metadata"]["labels"].items()
    )
    assert {p["targetPort"] for p in service["spec"]["ports"]} <= set(ports)
    hpa = of_kind("HorizontalPodAutoscaler")["tangent-web"]
    assert hpa["spec"]["scaleTargetRef"]["name"] in DEPLOYMENTS


def test_every_workload_selects_its_own_pods_and_reads_config_that_exists():
    config_maps, secrets = of_kind("ConfigMap"), of_kind("Secret")
    workloads = [*DEPLOYMENTS.values(), *of_kind("Job").values()]
    images = set()
    for workload in workloads:
        labels = workload["spec"]["template"]["metadata"]["labels"]
        selector = workload["spec"].get("selector", {}).get("matchLabels", {})
        assert selector.items() <= labels.items()
        for container in containers(workload):
            images.add(container["image"])
            for source in container["envFrom"]:
                if "configMapRef" in source:
                    assert source["configMapRef"]["name"] in config_maps
                if "secretRef" in source:
                    assert source["secretRef"]["name"] in secrets
            assert container["resources"]["requests"]
    assert len(images) == 1  # one image for every role, as with docker-compose
