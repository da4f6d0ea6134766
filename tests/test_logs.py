"""Structured logs: each line is JSON and carries the request id that the response echoes."""

import json
import logging

import pytest
from django.test import Client

from tangent.logs import ContextFilter, JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("tangent.access")
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    yield lambda: [json.loads(JsonFormatter().format(r)) for r in records]
    logger.removeHandler(handler)
    logger.setLevel(level)


def test_every_response_carries_a_request_id_that_the_access_log_records(json_lines):
    response = Client().get("/accounts/login/")
    rid = response["X-Request-ID"]
    assert len(rid) == 32
    [line] = [entry for entry in json_lines() if entry.get("request_id") == rid]
    assert line["path"] == "/accounts/login/"
    assert line["status"] == 200
    assert line["method"] == "GET"
    assert line["duration_ms"] >= 0


def test_the_access_log_names_the_user_a_request_acts_for(json_lines):
    from django.contrib.auth.models import User

    from api.keys import create_key

    owner = User.objects.create_user("key-owner")
    key = create_key(owner, "logs").key
    response = Client().get("/api/v1/submissions", headers={"authorization": f"Bearer {key}"})
    assert response.status_code == 200
    signed_in = Client()
    signed_in.force_login(User.objects.create_user("browser"))
    page = signed_in.get("/courses/")
    anonymous = Client().get("/accounts/login/")
    users = {entry["request_id"]: entry.get("user") for entry in json_lines()}
    assert users[response["X-Request-ID"]] == owner.pk  # the key's owner, not "anonymous"
    assert users[page["X-Request-ID"]] == User.objects.get(username="browser").pk
    assert users[anonymous["X-Request-ID"]] is None


def test_a_callers_request_id_is_kept_when_sane_and_replaced_when_not(json_lines):
    assert (
        Client().get("/", headers={"x-request-id": "lms-abc-123"})["X-Request-ID"] == "lms-abc-123"
    )
    replaced = Client().get("/", headers={"x-request-id": "<script>" * 20})["X-Request-ID"]
    assert replaced != "<script>" * 20 and len(replaced) == 32


def _celery_line(logger: str, level: int, message: str, *args) -> logging.LogRecord:
    return logging.LogRecord(logger, level, __file__, 1, message, args, None)


@pytest.mark.parametrize(
    "logger, message, args",
    [
        ("celery.beat", "Scheduler: Sending due task %s (%s)", ("x", "lms.tasks.deliver_outbox")),
        ("celery.worker.strategy", "Task %s[%s] received", ("lms.tasks.deliver_outbox", "1")),
        (
            "celery.app.trace",
            "Task %s[%s] succeeded",
            ("courseware.tasks.sweep_stuck_submissions", "2"),
        ),
    ],
)
def test_the_routine_lines_of_periodic_tasks_are_not_logged_at_info(logger, message, args):
    quiet = logging.getLogger(logger).filters
    record = _celery_line(logger, logging.INFO, message, *args)
    assert not all(f.filter(record) for f in quiet)


def test_gradings_and_failures_of_periodic_tasks_are_still_logged():
    filters = logging.getLogger("celery.app.trace").filters
    grading = _celery_line(
        "celery.app.trace", logging.INFO, "Task %s succeeded", "courseware.tasks.grade_submission"
    )
    failure = _celery_line(
        "celery.app.trace", logging.ERROR, "Task %s raised", "lms.tasks.deliver_outbox"
    )
    assert filters and all(f.filter(grading) and f.filter(failure) for f in filters)
