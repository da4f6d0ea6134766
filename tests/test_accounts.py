"""Sign up, log in, log out and reset a password, as a learner does."""

import re

import pytest
from django.core import mail
from django.test import Client

from courseware.models import Membership
from tests.support.people import PASSWORD, make_course, make_user

pytestmark = pytest.mark.django_db


def test_signing_up_logs_in_and_enrols_in_open_courses():
    make_course()
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newton",
            "email": "newton@example.com",
            "password1": "fluxions-1687!",
            "password2": "fluxions-1687!",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user__username="newton", course__slug="calc").exists()
    page = client.get("/courses/").content.decode()
    assert "Calculus for ML" in page
    assert "newton" in page


def test_sign_up_errors_are_shown():
    response = Client().post(
        "/accounts/signup/", {"username": "x", "email": "bad", "password1": "a", "password2": "b"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Enter a valid email address." in text
    assert "The two password fields didn" in text


def test_log_in_and_log_out():
    make_user("ada")
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": "ada", "password": "wrong"}).status_code == 200
    )
    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert "ada" in client.get("/courses/").content.decode()
    client.post("/accounts/logout/")
    assert client.get("/courses/").status_code == 302


def test_password_reset_by_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    make_user("ada")
    client = Client()
    response = client.post("/accounts/password_reset/", {"email": "ada@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "leibniz-1684!", "new_password2": "leibniz-1684!"},
    )
    assert done.status_code == 302
    assert client.login(username="ada", password="leibniz-1684!")
