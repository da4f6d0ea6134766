"""The public API: health, keys, exercises, submissions, and a clear 4xx for every bad request."""

import json

import pytest
from django.core.management import call_command
from django.test import Client

from courseware.models import Attempt, Submission
from tests.support.people import api_key_for, enrol, make_course, make_user

pytestmark = pytest.mark.django_db


def api(key=None):
    return Client(headers={"authorization": f"Bearer {key}"} if key else {})


def post(client, body, **extra):
    return client.post(
        "/api/v1/submissions",
        body if isinstance(body, str) else json.dumps(body),
        content_type="application/json",
        **extra,
    )


RIGHT_SHAPE = {
    "exercise": "m1-rise-over-run",
    "answer": {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}},
}


def test_health_reports_database_broker_workers_and_sandbox(no_workers):
    body = api().get("/api/v1/health").json()
    assert body["database"] == "ok"
    assert body["broker"] == "ok"
    assert body["workers"] == 0
    assert body["sandbox"] in {"ok", "degraded", "unavailable"}


def test_create_api_key_prints_a_working_key_as_its_last_line(learner, capsys):
    call_command("create_api_key", "--user", learner.username)
    key = capsys.readouterr().out.strip().splitlines()[-1]
    assert key.startswith("tk_")
    response = api(key).get("/api/v1/exercises")
    assert response.status_code == 200
    slugs = {item["slug"]: item for item in response.json()["items"]}
    assert slugs["m1-rise-over-run"] == {
        "slug": "m1-rise-over-run",
        "title": "Rise over run",
        "module": "m1-what-is-calculus",
        "kind": "number",
    }
    assert response.json()["next"] is None


def test_the_key_is_stored_only_as_a_digest(learner):
    key = api_key_for(learner)
    record = learner.api_keys.get()
    assert key not in (record.digest, record.prefix)
    assert len(record.digest) == 64


@pytest.mark.parametrize("header", [None, "Bearer tk_nope_nope", "Bearer ", "Basic abc"])
def test_requests_without_a_valid_key_get_401_problem_json(header):
    client = Client(headers={"authorization": header} if header else {})
    response = client.get("/api/v1/exercises")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Unauthorized"
    assert "Authorization: Bearer" in response.json()["detail"]


def test_a_revoked_key_is_refused(learner):
    from django.utils import timezone

    key = api_key_for(learner)
    learner.api_keys.update(revoked_at=timezone.now())
    assert api(key).get("/api/v1/exercises").status_code == 401


def test_submitting_returns_202_with_the_submission_id(learner):
    response = post(api(api_key_for(learner)), RIGHT_SHAPE)
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued"
    assert Submission.objects.get(pk=body["id"]).attempt.learner == learner


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        (
            {"exercise": "no-such-thing", "answer": {"value": "1"}},
            404,
            "No exercise 'no-such-thing'",
        ),
        ({"exercise": "m1-rise-over-run", "answer": {"value": "1"}}, 422, "several parts"),
        (
            {
                "exercise": "m1-rise-over-run",
                "answer": {"parts": {"secant": {"value": "abc"}, "tangent": {"value": "1"}}},
            },
            422,
            "`abc` is not a number",
        ),
        (
            {
                "exercise": "m1-rise-over-run",
                "answer": {"parts": {"secant": {"value": ""}, "tangent": {"value": "1"}}},
            },
            422,
            "Enter a number",
        ),
        (
            {"exercise": "m1-rise-over-run", "answer": {"parts": {"secant": {"value": "1"}}}},
            422,
            "Part 'tangent' has no answer",
        ),
        (
            {"exercise": "m1-graph-derivative-match", "answer": {"choices": ["nope"]}},
            422,
            "Unknown option `nope`",
        ),
        ({"answer": {"value": "1"}}, 422, "not valid"),
        ({"exercise": "m1-rise-over-run"}, 422, "not valid"),
    ],
)
def test_bad_submissions_get_a_4xx_that_says_what_is_wrong(learner, body, status, detail):
    response = post(api(api_key_for(learner)), body)
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    assert detail in response.json()["detail"] or detail in json.dumps(response.json())
    assert Submission.objects.count() == 0


def test_malformed_json_is_a_4xx(learner):
    response = post(api(api_key_for(learner)), "{not json")
    assert 400 <= response.status_code < 500
    assert Submission.objects.count() == 0


def test_an_oversized_answer_is_413(learner):
    huge = {
        "exercise": "m1-rise-over-run",
        "answer": {"parts": {"secant": {"value": "1" * 5000}, "tangent": {"value": "1"}}},
    }
    response = post(api(api_key_for(learner)), huge)
    assert response.status_code == 413
    assert "limit" in response.json()["detail"]


def test_a_huge_request_body_is_413_before_it_is_parsed(learner):
    client = api(api_key_for(learner))
    response = post(client, {"exercise": "x", "answer": {"value": "1" * 200_000}})
    assert response.status_code == 404  # a submission may carry a notebook of up to 2 MB
    response = post(client, {"exercise": "x", "notebook": {"cells": ["1" * 2_100_000]}})
    assert response.status_code == 413 and "clear its outputs" in response.json()["detail"]
    preview = client.post(
        "/api/v1/preview",
        json.dumps({"exercise": "x", "value": "1" * 200_000}),
        content_type="application/json",
    )
    assert preview.status_code == 413  # any other body: 72 KB at most


def test_only_a_staff_key_may_choose_the_seed(learner):
    body = {**RIGHT_SHAPE, "seed": 42}
    refused = post(api(api_key_for(learner)), body)
    assert refused.status_code == 403
    assert "staff" in refused.json()["detail"]
    course = make_course()
    staff = make_user("grace")
    enrol(staff, course, "staff")
    staff_key = api_key_for(staff, ["staff"], course)
    accepted = post(api(staff_key), body)
    assert accepted.status_code == 202
    again = post(api(staff_key), body)
    assert again.status_code == 202
    attempts = Attempt.objects.filter(learner=staff)
    assert attempts.count() == 1
    assert attempts.get().seed == 42
    assert attempts.get().course == course


def test_a_read_only_key_cannot_submit(learner):
    response = post(api(api_key_for(learner, ["read"])), RIGHT_SHAPE)
    assert response.status_code == 403


def test_a_key_only_sees_its_own_submissions(learner):
    mine = post(api(api_key_for(learner)), RIGHT_SHAPE).json()["id"]
    other = make_user("mallory")
    response = api(api_key_for(other)).get(f"/api/v1/submissions/{mine}")
    assert response.status_code == 404
    assert api(api_key_for(learner)).get(f"/api/v1/submissions/{mine}").json()["status"] == "queued"


def test_the_openapi_schema_lists_the_endpoints():
    schema = api().get("/api/v1/openapi.json").json()
    assert {
        "/api/v1/health",
        "/api/v1/exercises",
        "/api/v1/submissions",
        "/api/v1/submissions/{submission_id}",
    } <= set(schema["paths"])


def test_the_openapi_schema_is_built_once_and_each_caller_gets_its_own_copy():
    from api.main import api as the_api

    first = the_api.get_openapi_schema(path_prefix="/api/v1/")
    first["paths"].clear()
    assert "/api/v1/health" in the_api.get_openapi_schema(path_prefix="/api/v1/")["paths"]
    assert api().get("/api/v1/openapi.json").json()["components"]["schemas"]["Problem"]


def test_an_unknown_api_url_is_a_problem_json_404():
    response = api().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "openapi.json" in response.json()["detail"]
