"""Rate limits and log-in lockout: 429 with Retry-After and a message a person can act on."""

import pytest
from django.test import Client

from courseware.models import Attempt
from tests.support.people import PASSWORD, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db


def log_in(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_an_account_is_held_after_repeated_failed_log_ins(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-failures": (3, 900)}
    make_user("ada")
    client = Client()
    for _ in range(3):
        assert log_in(client, "ada", "wrong").status_code == 200
    held = log_in(client, "ada", PASSWORD)
    assert held.status_code == 429
    assert int(held["Retry-After"]) > 0
    assert "Too many log-in attempts. Try again in" in held.content.decode()
    assert log_in(Client(), "ADA ", PASSWORD).status_code == 429  # the account, not the browser
    make_user("bob")
    assert log_in(client, "bob", PASSWORD).status_code == 302  # other accounts are not affected


def test_log_in_attempts_per_address_are_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (4, 300)}
    client = Client()
    codes = [log_in(client, f"user{i}", "x").status_code for i in range(6)]
    assert codes[:4] == [200] * 4
    assert codes[4:] == [429, 429]


def test_sign_ups_per_address_are_limited(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (2, 3600)}
    client = Client()
    codes = [
        client.post("/accounts/signup/", {"username": f"n{i}", "email": f"n{i}@example.com",
                                          "password1": "fluxions-1687!", "password2": "fluxions-1687!"}).status_code
        for i in range(3)
    ]  # fmt: skip
    assert codes == [302, 302, 429]


def test_answers_per_learner_are_limited(settings, bank):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submit": (2, 60)}
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    url = "/courses/calc/exercises/m1-graph-derivative-match/"
    client.get(url)
    attempt = Attempt.objects.get(learner=learner)
    codes = [
        client.post(
            url + "submit/", {"attempt": attempt.pk, "part-answer": "derivative"}
        ).status_code
        for _ in range(3)
    ]
    assert codes == [202, 202, 429]
    assert attempt.submissions.count() == 2


def test_previews_per_learner_are_limited(settings, bank):
    import json

    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "preview": (3, 60)}
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    body = json.dumps({"exercise": "m1-chain-rule", "value": "x"})
    codes = [
        client.post("/api/v1/preview", body, content_type="application/json").status_code
        for _ in range(4)
    ]
    assert codes == [200, 200, 200, 429]
