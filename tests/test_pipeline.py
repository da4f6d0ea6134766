"""The whole submission path with a real Celery worker process: API and learner page."""

import json

import pytest
from django.test import Client

from courseware.models import Attempt, Grading
from tests.support.grading import right_number_answers, wait_for_status
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def learner(bank):
    return learner_in(make_course())


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
