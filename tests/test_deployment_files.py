"""docker-compose.yml and the Dockerfile agree with the settings (no Docker engine runs here)."""

import yaml

from tangent.queues import QUEUES
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
WORKERS = [f"worker-{queue}" for queue in QUEUES]


def command(service: str) -> str:
    return " ".join(SERVICES[service]["command"])


def test_compose_has_the_whole_system():
    assert {"postgres", "redis", "web", "beat", "migrate", *WORKERS} <= set(SERVICES)


def test_web_runs_gunicorn_on_the_wsgi_app_and_workers_run_celery():
    assert command("web").startswith("gunicorn tangent.wsgi")
    for queue in QUEUES:
        assert command(f"worker-{queue}").startswith(f"python -m tangent.worker {queue} ")
    assert command("beat").startswith("celery -A tangent beat")
    assert "migrate" in command("migrate") and "load_exercises" in command("migrate")


def test_each_queue_s_workers_can_scale_and_none_is_privileged():
    for name in WORKERS:
        worker = SERVICES[name]
        assert "container_name" not in worker and "ports" not in worker  # `--scale` works
        assert not worker.get("privileged")
    assert "seccomp=unconfined" in SERVICES["worker-code"]["security_opt"]  # the sandbox's
    assert "security_opt" not in SERVICES["worker-grading"]


def test_services_point_at_compose_postgres_and_redis_with_health_checks():
    for name in ("web", "beat", "migrate", *WORKERS):
        env = SERVICES[name]["environment"]
        assert (
            env["DATABASE_URL"].startswith("postgres://")
            and "@postgres:5432/" in env["DATABASE_URL"]
        )
        assert env["REDIS_URL"] == "redis://redis:6379/0"
        assert env["TANGENT_MODE"] == "production"
        assert "SECRET_KEY" in env
        assert SERVICES[name]["depends_on"]
    for name in ("postgres", "redis", "web", *WORKERS):
        assert "healthcheck" in SERVICES[name]
    assert "postgres-data" in COMPOSE["volumes"]


def test_the_image_installs_bubblewrap_and_the_requirements():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "bubblewrap" in dockerfile
    assert "requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile


def test_production_settings_refuse_to_start_without_a_secret_key():
    import subprocess
    import sys

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
