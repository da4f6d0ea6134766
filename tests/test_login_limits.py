"""Log-in limits that a guesser cannot turn against the account's owner or the people beside them."""

import re

import pytest
from django.core import mail
from django.test import Client

from courseware.login_limits import hold_after
from tests.support.people import PASSWORD, make_user

pytestmark = pytest.mark.django_db

A, B = "198.51.100.7", "203.0.113.40"  # two client addresses
PROXY = "10.0.0.5"


def log_in(username, password, address=A, client=None, **headers):
    client = client or Client()
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address, **headers
    )  # fmt: skip


def held(response) -> bool:
    return response.status_code == 429 and int(response["Retry-After"]) > 0


@pytest.fixture
def owner():
    return make_user("bruteuser")


def test_a_guesser_elsewhere_does_not_lock_the_owner_out(owner):
    for _ in range(5):
        assert log_in("bruteuser", "guess", A).status_code == 200
    refused = log_in(
        "bruteuser", PASSWORD, A
    )  # the guesser's address is held, right password or not
    assert held(refused)
    assert 50 <= int(refused["Retry-After"]) <= 60
    assert "Too many log-in attempts. Try again in" in refused.content.decode()
    assert "reset your password" in refused.content.decode()
    assert 'value="bruteuser"' in refused.content.decode()  # what was typed is kept
    owner_client = Client()
    assert log_in("bruteuser", PASSWORD, B, owner_client).status_code == 302
    assert "bruteuser" in owner_client.get("/courses/").content.decode()


def test_attempts_while_held_are_refused_unread_and_do_not_lengthen_the_hold(owner):
    for _ in range(5):
        log_in("bruteuser", "guess")
    for password in ("guess", "guess", PASSWORD, "guess"):
        refused = log_in("bruteuser", password)
        assert held(refused)
        assert int(refused["Retry-After"]) <= 60


def test_case_and_spaces_do_not_make_another_account(owner):
    for name in ("BruteUser", " bruteuser ", "BRUTEUSER", "bruteuser ", "ｂｒｕｔｅｕｓｅｒ"):
        assert log_in(name, "guess").status_code == 200
    assert held(log_in("bruteuser", PASSWORD))
    assert held(log_in("BruteUser", "guess"))


def test_a_log_in_forgets_the_owners_own_typos(owner):
    for _ in range(4):
        log_in("bruteuser", "typo")
    assert log_in("bruteuser", PASSWORD).status_code == 302
    for _ in range(4):
        assert log_in("bruteuser", "typo").status_code == 200  # four more, not held
    assert log_in("bruteuser", PASSWORD).status_code == 302


def test_the_back_off_grows_with_each_failure_up_to_a_cap(settings):
    settings.LOGIN_BACKOFF = (60, 900)
    assert [hold_after(n, 5) for n in range(1, 11)] == [0, 0, 0, 0, 60, 120, 240, 480, 900, 900]
    assert hold_after(10**6, 5) == 900


def test_a_held_owner_can_still_reset_the_password_and_log_in(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for _ in range(6):
        log_in("bruteuser", "guess", A)
    assert held(log_in("bruteuser", PASSWORD, A))
    client = Client(REMOTE_ADDR=A)
    request = client.post("/accounts/password_reset/", {"email": "bruteuser@example.com"})
    assert request.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = {"new_password1": "leibniz-1684!", "new_password2": "leibniz-1684!"}
    assert client.post(form.redirect_chain[-1][0], new).status_code == 302
    assert log_in("bruteuser", "leibniz-1684!", A).status_code == 302  # the reset lifted the hold


def test_reset_requests_are_limited_per_email_and_per_address(owner, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS, "password-reset": (5, 3600), "password-reset-email": (2, 3600)
    }  # fmt: skip
    client = Client(REMOTE_ADDR=A)
    codes = [
        client.post("/accounts/password_reset/", {"email": email}).status_code
        for email in ("bruteuser@example.com", " BruteUser@Example.com", "bruteuser@example.com")
    ]
    assert codes == [302, 302, 429]
    assert len(mail.outbox) == 2
    refused = client.post("/accounts/password_reset/", {"email": "bruteuser@example.com"})
    assert held(refused)
    assert "Too many reset requests. Try again in" in refused.content.decode()
    assert client.post("/accounts/password_reset/", {"email": "x@example.com"}).status_code == 302
    refused = client.post("/accounts/password_reset/", {"email": "y@example.com"})
    assert held(refused)  # the address's five are used up
    other = Client(REMOTE_ADDR=B).post("/accounts/password_reset/", {"email": "y@example.com"})
    assert other.status_code == 302


def test_an_account_guessed_from_many_addresses_slows_every_address_but_locks_no_one(
    owner, settings
):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login-account": (3, 3600)}
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        assert log_in("bruteuser", "guess", address).status_code == 200
    assert log_in("bruteuser", "guess", "192.0.2.4").status_code == 200
    assert held(log_in("bruteuser", "guess", "192.0.2.4"))  # held after its first failure
    assert log_in("bruteuser", PASSWORD, "192.0.2.5").status_code == 302  # a new address gets in


def test_many_accounts_from_one_address_hold_that_address_only(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 900)}
    make_user("ada")
    for name in ("u1", "u2", "u3"):
        assert log_in(name, "guess", A).status_code == 200
    assert held(log_in("ada", PASSWORD, A))
    assert log_in("ada", PASSWORD, B).status_code == 302


def test_behind_a_trusted_proxy_each_client_is_limited_on_its_own(owner, settings):
    settings.TANGENT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for _ in range(5):
        log_in("bruteuser", "guess", PROXY, HTTP_X_FORWARDED_FOR=f"{A}, 10.0.0.9")
    assert held(log_in("bruteuser", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"{A}, 10.0.0.9"))
    assert held(log_in("bruteuser", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=f"{B}, {A}"))
    behind_the_same_proxy = log_in("bruteuser", PASSWORD, PROXY, HTTP_X_FORWARDED_FOR=B)
    assert behind_the_same_proxy.status_code == 302


def test_a_forged_forwarded_for_from_an_untrusted_address_is_ignored(owner, settings):
    settings.TANGENT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    for i in range(5):
        log_in("bruteuser", "guess", A, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}")
    assert held(log_in("bruteuser", PASSWORD, A, HTTP_X_FORWARDED_FOR="192.0.2.99"))


def test_no_limit_per_address_when_the_proxy_does_not_say_whom_it_forwards_for(settings):
    settings.TANGENT_TRUSTED_PROXIES = ["10.0.0.0/8"]
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": (3, 900)}
    make_user("ada")
    for name in ("u1", "u2", "u3", "u4"):
        assert log_in(name, "guess", PROXY).status_code == 200
    assert log_in("ada", PASSWORD, PROXY).status_code == 302
