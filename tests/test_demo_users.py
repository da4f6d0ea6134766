"""`make run` makes the demo users once: a second start keeps their sessions and says their log-ins."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def development(settings, monkeypatch):
    settings.DEVELOPMENT = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-123")


def test_a_second_start_keeps_the_demo_users_logged_in(development):
    call_command("seed_demo", stdout=io.StringIO())
    browser = Client()
    assert browser.login(username="learner", password="demo-pass-123")
    first_hash = get_user_model().objects.get(username="learner").password

    output = io.StringIO()
    call_command("seed_demo", stdout=output)

    assert get_user_model().objects.get(username="learner").password == first_hash
    assert browser.get("/courses/").status_code == 200
    assert "learner    / demo-pass-123" in output.getvalue()


def test_a_changed_demo_password_takes_effect_on_the_next_start(development, monkeypatch):
    call_command("seed_demo", stdout=io.StringIO())
    monkeypatch.setenv("DEMO_PASSWORD", "another-pass-456")
    call_command("seed_demo", stdout=io.StringIO())
    assert Client().login(username="instructor", password="another-pass-456")
