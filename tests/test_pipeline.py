"""The whole submission path with a real Celery worker process: API and learner page."""

import json

import pytest
from django.test import Client

from courseware.models import Attempt, Grading
from tests.support.grading import right_number_answers, wait_for_status
from tests.support.people import PASSWORD, api_key_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_an_answer_sent_to_the_api_is_graded_by_the_worker(learner, live_worker):
    live_worker()
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    body = {
        "exercise": "m1-rise-over-run",
        "answer": {"parts": {"secant": {"value": "0"}, "tangent": {"value": "0"}}},
    }
    created = client.post("/api/v1/submissions", json.dumps(body), content_type="application/json")
    assert created.status_code == 202
    assert created["Location"] == f"/api/v1/submissions/{created.json()['id']}"
    attempt = Attempt.objects.get(learner=learner)
    right = right_number_answers(attempt)
    second = client.post(
        "/api/v1/submissions",
        json.dumps({"exercise": "m1-rise-over-run", "answer": right}),
        content_type="application/json",
    )
    wait_for_status(created.json()["id"])
    wait_for_status(second.json()["id"])
    result = client.get(f"/api/v1/submissions/{second.json()['id']}").json()
    assert result["status"] == "graded"
    assert result["verdict"] == "correct"
    assert result["score"] == 1.0
    assert Grading.objects.count() == 2


def test_an_answer_on_the_learner_page_shows_its_verdict_without_a_reload(learner, live_worker):
    live_worker()
    client = Client()
    assert client.login(username=learner.username, password=PASSWORD)
    page = client.get("/courses/calc/exercises/m1-rise-over-run/")
    assert page.status_code == 200
    attempt = Attempt.objects.get(learner=learner)
    right = right_number_answers(attempt)["parts"]
    form = {"attempt": attempt.pk, "part-secant": right["secant"]["value"], "part-tangent": "12345"}
    posted = client.post(
        "/courses/calc/exercises/m1-rise-over-run/submit/", form, headers={"hx-request": "true"}
    )
    assert posted.status_code == 202
    assert "Grading…" in posted.content.decode()
    submission_id = attempt.submissions.get().pk
    wait_for_status(submission_id)
    fragment = client.get(f"/submissions/{submission_id}/").content.decode()
    assert "Partly correct" in fragment
    assert "score 50%" in fragment
    history = client.get("/courses/calc/exercises/m1-rise-over-run/").content.decode()
    assert "Partly correct" in history


def test_a_worker_keeps_its_database_connection_from_grading_to_grading(learner, live_worker):
    """A new PostgreSQL backend for every grading would cost more than the grading itself."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("counts PostgreSQL's sessions")
    live_worker()
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})

    def sessions_opened() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            )
            return cursor.fetchone()[0]

    def grade_one() -> None:
        body = {
            "exercise": "m1-rise-over-run",
            "answer": {"parts": {"secant": {"value": "0"}, "tangent": {"value": "0"}}},
        }
        created = client.post(
            "/api/v1/submissions", json.dumps(body), content_type="application/json"
        )
        wait_for_status(created.json()["id"])

    grade_one()  # the worker's first grading opens its connection
    before = sessions_opened()
    for _ in range(6):
        grade_one()
    assert sessions_opened() - before <= 1  # six gradings, not six new connections
