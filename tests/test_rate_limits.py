"""Rate limits: 429 with Retry-After and a message a person can act on; the address they key on."""

import pytest
from django.test import Client, RequestFactory

from courseware.models import Attempt
from courseware.option_tokens import option_token
from courseware.ratelimits import client_address, is_client
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
            url + "submit/",
            {
                "attempt": attempt.pk,
                "part-answer": option_token(attempt.pk, "answer", "derivative"),
            },
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


def sign_up(client, name, **headers):
    form = {"username": name, "email": f"{name}@example.com",
            "password1": "fluxions-1687!", "password2": "fluxions-1687!"}  # fmt: skip
    return client.post("/accounts/signup/", form, **headers).status_code


def test_behind_a_trusted_proxy_sign_ups_are_counted_per_client(settings):
    settings.TANGENT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (1, 3600)}
    proxy = {"REMOTE_ADDR": "10.0.0.5"}
    assert sign_up(Client(**proxy), "n1", HTTP_X_FORWARDED_FOR="198.51.100.7") == 302
    assert sign_up(Client(**proxy), "n2", HTTP_X_FORWARDED_FOR="198.51.100.7, 10.1.1.1") == 429
    assert sign_up(Client(**proxy), "n3", HTTP_X_FORWARDED_FOR="198.51.100.8") == 302


def test_a_forged_forwarded_for_does_not_escape_a_limit_by_address(settings):
    settings.TANGENT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": (1, 3600)}
    client = Client(REMOTE_ADDR="198.51.100.7")
    assert sign_up(client, "n1", HTTP_X_FORWARDED_FOR="192.0.2.1") == 302
    assert sign_up(client, "n2", HTTP_X_FORWARDED_FOR="192.0.2.2") == 429


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("198.51.100.7", "", "198.51.100.7"),  # no proxy configured for this address
        ("198.51.100.7", "192.0.2.1", "198.51.100.7"),  # a client's own header is not read
        ("10.0.0.5", "192.0.2.1", "192.0.2.1"),
        ("10.0.0.5", "6.6.6.6, 192.0.2.1, 10.0.0.9", "192.0.2.1"),  # past our proxies only
        ("10.0.0.5", "192.0.2.1:5123", "192.0.2.1"),
        ("10.0.0.5", "[2001:db8::1]:443", "2001:db8::1"),
        ("10.0.0.5", "::ffff:192.0.2.1", "192.0.2.1"),
        ("10.0.0.5", "", "10.0.0.5"),  # the proxy said nothing: its own address
        ("10.0.0.5", "10.0.0.7", "10.0.0.7"),  # every hop ours
        ("10.0.0.5", "192.0.2.1, junk", "10.0.0.5"),  # a malformed hop is not believed
    ],
)
def test_the_client_address(settings, remote, forwarded, client):
    settings.TANGENT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == client
    assert is_client(client) == (not client.startswith("10."))
