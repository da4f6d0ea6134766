"""Production settings: `check --deploy` is clean, cookies are secure, HSTS is on, the CSP forbids inline script."""

import secrets
import subprocess
import sys

import pytest
from django.test import Client

from tests.conftest import ROOT

PRODUCTION = {
    "PATH": "/usr/bin:/bin",
    "TANGENT_ENV_FILE": "/nonexistent",
    "TANGENT_MODE": "production",
    "ALLOWED_HOSTS": "tangent.example.org",
    "DATABASE_URL": "sqlite:////tmp/tangent-deploy-check.sqlite3",
}


def run_in_production(*args: str, **extra: str) -> subprocess.CompletedProcess:
    env = {**PRODUCTION, "SECRET_KEY": secrets.token_urlsafe(60), **extra}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_in_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "System check identified no issues" in result.stdout


def test_production_turns_on_secure_cookies_hsts_and_no_debug():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tangent.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, s.SECURE_SSL_REDIRECT)"
    )
    result = run_in_production("-c", code)
    assert result.stdout.split() == ["False", "True", "True", "True", "True"], result.stderr


def test_pages_send_a_strict_content_security_policy(db):
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_web_application_loads_every_view_and_freezes_them_out_of_the_garbage_collector():
    code = (
        "import gc, sys, tangent.wsgi;"
        "print(gc.get_freeze_count() > 100000, 'courseware.staff.views' in sys.modules)"
    )
    result = run_in_production("-c", code)
    assert result.stdout.split() == ["True", "True"], result.stderr


@pytest.mark.parametrize("switch, threshold", [(None, "2"), ("false", "None")])
def test_postgresql_prepares_repeated_statements_unless_turned_off(switch, threshold):
    """On by default; DATABASE_PREPARED_STATEMENTS=false for a pooler that cannot keep them."""
    code = (
        "import tangent.settings as s; options = s.DATABASES['default']['OPTIONS'];"
        "print(options['server_side_binding'], options['prepare_threshold'])"
    )
    extra = {"DATABASE_URL": "postgres://tangent@db.example.org:5432/tangent"}
    if switch is not None:
        extra["DATABASE_PREPARED_STATEMENTS"] = switch
    result = run_in_production("-c", code, **extra)
    assert result.stdout.split() == ["True", threshold], result.stderr
