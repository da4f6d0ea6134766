"""Secrets never reach learners, logs or error pages: SECRET_KEY, database and broker credentials,
encryption keys."""

import json
import logging

import pytest
from django.conf import settings
from django.test import Client

from courseware.grading.intake import submit
from courseware.models import Exercise
from courseware.tasks import grade_submission
from courseware.variants import current_attempt
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course

pytestmark = pytest.mark.django_db


def secrets_in(text: str) -> list[str]:
    values = [settings.SECRET_KEY, *settings.TANGENT_ENCRYPTION_KEYS]
    database = settings.DATABASES["default"]
    if database.get("PASSWORD"):
        values.append(database["PASSWORD"])
    if "@" in settings.REDIS_URL:
        values.append(settings.REDIS_URL.split("@")[0])
    return [value for value in values if value and len(value) >= 8 and value in text]


def test_error_pages_and_api_errors_show_no_secrets(settings, bank, caplog):
    settings.DEBUG = False
    learner = learner_in(make_course())
    client = Client(raise_request_exception=False)
    client.login(username=learner.username, password=PASSWORD)
    pages = [
        client.get("/no/such/page/"),
        client.get("/courses/nope/"),
        client.post("/courses/calc/exercises/m1-rise-over-run/submit/", {"attempt": "x"}),
        Client().post("/api/v1/submissions", "{broken", content_type="application/json",
                      headers={"authorization": f"Bearer {api_key_for(learner)}"}),
        Client().get("/api/v1/exercises", headers={"authorization": "Bearer tk_bad_key"}),
    ]  # fmt: skip
    for response in pages:
        assert response.status_code < 500
        assert secrets_in(response.content.decode()) == []


def test_grading_logs_carry_no_secrets(bank, caplog):
    caplog.set_level(logging.DEBUG)
    learner = learner_in(make_course())
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    submission = submit(attempt, {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}})
    grade_submission.apply(args=(submission.pk, 1))
    text = "\n".join(record.getMessage() for record in caplog.records)
    text += json.dumps([record.__dict__.get("args") for record in caplog.records], default=str)
    assert secrets_in(text) == []
