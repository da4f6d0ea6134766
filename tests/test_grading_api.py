"""The grading API: exercises, variants, submissions, results, progress, keys, idempotency, limits."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client

from courseware.models import Grading, Submission
from courseware.tasks import grade_submission
from lms.models import ApiLearner, IdempotencyRecord
from tests.support.people import api_key_for, make_user, operator_key

pytestmark = pytest.mark.django_db

RIGHT = {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}}


@pytest.fixture
def client_user(bank):
    return make_user("client")


@pytest.fixture
def key(client_user):
    return api_key_for(client_user)


@pytest.fixture
def operator(bank):
    """The site-wide operator key: the one key that acts as staff outside courses."""
    return operator_key()


def api(key=None, **headers):
    if key:
        headers["authorization"] = f"Bearer {key}"
    return Client(headers=headers)


def post_json(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def submit(key, learner=None, exercise="m1-rise-over-run", answer=None, **headers):
    body = {"exercise": exercise, "answer": answer or RIGHT}
    if learner:
        body["learner"] = learner
    return post_json(api(key, **headers), "/api/v1/submissions", body)


def right_answer_for(submission_id: int) -> dict:
    from tests.support.grading import right_number_answers

    return right_number_answers(Submission.objects.get(pk=submission_id).attempt)


def graded(submission_id: int) -> Submission:
    submission = Submission.objects.get(pk=submission_id)
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    return Submission.objects.get(pk=submission_id)


# --- exercises and variants -----------------------------------------------------------------


def test_an_exercise_shows_its_parts_version_and_quizzes(key):
    body = api(key).get("/api/v1/exercises/m1-rise-over-run").json()
    assert body["title"] == "Rise over run"
    assert [p["name"] for p in body["parts"]] == ["secant", "tangent"]
    assert body["kind"] == "number" and len(body["version"]) >= 12
    assert "m1-rise-over-run-quiz" in body["quizzes"]


def test_an_unknown_exercise_is_a_404_problem(key):
    response = api(key).get("/api/v1/exercises/nope")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "No exercise 'nope'."


def test_a_variant_is_drawn_for_a_learner_reference_with_its_seed_and_prompt(key):
    first = post_json(api(key), "/api/v1/exercises/m1-rise-over-run/variants", {"learner": "s-1"})
    second = post_json(api(key), "/api/v1/exercises/m1-rise-over-run/variants", {"learner": "s-1"})
    assert first.status_code == 201
    assert first.json()["learner"] == "s-1"
    assert 0 <= first.json()["seed"] < 2**53
    assert "<p>" in first.json()["prompt"]
    assert first.json()["attempt"] != second.json()["attempt"]


def test_only_a_staff_key_chooses_a_variant_seed(key, operator):
    url = "/api/v1/exercises/m1-rise-over-run/variants"
    assert post_json(api(key), url, {"seed": 7}).status_code == 403
    assert post_json(api(operator), url, {"seed": 7}).json()["seed"] == 7


# --- learners ---------------------------------------------------------------------------------


def test_a_learner_reference_becomes_a_user_without_a_password_unique_per_client(key, bank):
    other_key = api_key_for(make_user("other-client"))
    mine = submit(key, learner="student-9").json()["id"]
    theirs = submit(other_key, learner="student-9").json()["id"]
    again = submit(key, learner="student-9").json()["id"]
    learners = {Submission.objects.get(pk=i).attempt.learner for i in (mine, theirs, again)}
    assert len(learners) == 2
    assert all(not user.has_usable_password() for user in learners)
    assert ApiLearner.objects.filter(ref="student-9").count() == 2


def test_a_client_cannot_see_another_clients_learner(key, bank):
    submit(key, learner="s-1")
    other = api_key_for(make_user("other-client"))
    assert api(other).get("/api/v1/learners/s-1/progress").status_code == 404


# --- submissions ------------------------------------------------------------------------------


def test_a_submission_answers_202_with_a_location_to_poll(key):
    response = submit(key, learner="s-1")
    assert response.status_code == 202
    detail = api(key).get(response["Location"]).json()
    assert detail["status"] == "queued"
    assert detail["learner"] == "s-1"
    assert detail["lms_sync"] == []


def test_submissions_are_listed_newest_first_with_a_cursor_and_filters(key):
    ids = [submit(key, learner=f"s-{i % 2}").json()["id"] for i in range(5)]
    client = api(key)
    page = client.get("/api/v1/submissions?limit=2").json()
    seen = [item["id"] for item in page["items"]]
    while page["next"]:
        page = client.get(f"/api/v1/submissions?limit=2&cursor={page['next']}").json()
        seen += [item["id"] for item in page["items"]]
    assert seen == sorted(ids, reverse=True)
    only_s0 = client.get("/api/v1/submissions?learner=s-0").json()["items"]
    assert [i["id"] for i in only_s0] == [ids[4], ids[2], ids[0]]
    assert client.get("/api/v1/submissions?status=graded").json()["items"] == []
    assert len(client.get("/api/v1/submissions?exercise=m1-rise-over-run").json()["items"]) == 5


PAGE_QUERIES = 5


def test_a_page_of_submissions_costs_the_same_queries_however_long(
    key, django_assert_max_num_queries
):
    """Learner references, gradings and LMS syncs are read for the page at once, not per item."""
    client = api(key)
    for i in range(3):
        graded(submit(key, learner=f"s-{i}").json()["id"])
    with django_assert_max_num_queries(PAGE_QUERIES):  # key, submissions, syncs, references
        assert len(client.get("/api/v1/submissions").json()["items"]) == 3
    for i in range(3, 25):
        graded(submit(key, learner=f"s-{i}").json()["id"])
    with django_assert_max_num_queries(PAGE_QUERIES):
        items = client.get("/api/v1/submissions").json()["items"]
    assert len(items) == 25 and {item["learner"] for item in items} == {f"s-{i}" for i in range(25)}
    assert all(item["status"] == "graded" and item["verdict"] for item in items)


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ("cursor=%%%", "cursor"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("status=done", "valid"),
    ],
)
def test_bad_list_queries_are_422(key, query, detail):
    response = api(key).get(f"/api/v1/submissions?{query}")
    assert response.status_code == 422
    assert detail in response.json()["detail"]


def test_a_queued_submission_can_be_cancelled_and_a_graded_one_cannot(key):
    queued = submit(key).json()["id"]
    cancelled = api(key).post(f"/api/v1/submissions/{queued}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    done = submit(key).json()["id"]
    graded(done)
    refused = api(key).post(f"/api/v1/submissions/{done}/cancel")
    assert refused.status_code == 409
    assert "this one is graded" in refused.json()["detail"]


def test_staff_regrade_adds_a_grading_and_keeps_the_old_one(key, operator):
    done = submit(key).json()["id"]
    graded(done)
    assert api(key).post(f"/api/v1/submissions/{done}/regrade").status_code == 403
    response = api(operator).post(f"/api/v1/submissions/{done}/regrade")
    assert response.status_code == 202 and response["Location"].endswith(f"/submissions/{done}")
    assert api(key).get(f"/api/v1/submissions/{done}").json()["status"] == "queued"
    graded(done)
    assert Grading.objects.filter(submission_id=done).count() == 2
    again = api(operator).post(f"/api/v1/submissions/{done}/regrade")
    assert again.status_code == 202


def test_a_queued_submission_cannot_be_regraded(key, operator):
    queued = submit(key).json()["id"]
    assert api(operator).post(f"/api/v1/submissions/{queued}/regrade").status_code == 409


# --- results and progress ------------------------------------------------------------------------


def test_a_result_has_score_max_verdict_feedback_versions_and_timings(key):
    submission_id = submit(key).json()["id"]
    early = api(key).get(f"/api/v1/results/{submission_id}")
    assert early.status_code == 409 and "no result yet" in early.json()["detail"]
    Submission.objects.filter(pk=submission_id).update(answer=right_answer_for(submission_id))
    graded(submission_id)
    result = api(key).get(f"/api/v1/results/{submission_id}").json()
    assert result["verdict"] == "correct" and result["score"] == 1.0 and result["max_score"] == 1.0
    assert result["grader_version"] and result["exercise_version"]
    assert result["timings"]["grading_seconds"] >= 0
    assert result["lms_sync"] == []


def test_a_result_exports_as_gradescope_results_json(key):
    submission_id = submit(key).json()["id"]
    graded(submission_id)
    body = api(key).get(f"/api/v1/results/{submission_id}/results.json").json()
    assert body["max_score"] == 100
    assert 0 <= body["score"] <= 100
    assert isinstance(body["tests"], list) and "execution_time" in body


def test_a_learners_progress_shows_best_scores_by_exercise_quiz_and_module(key):
    submission_id = submit(key, learner="s-1").json()["id"]
    Submission.objects.filter(pk=submission_id).update(answer=right_answer_for(submission_id))
    graded(submission_id)
    progress = api(key).get("/api/v1/learners/s-1/progress").json()
    assert progress["exercises"] == {"m1-rise-over-run": 1.0}
    quizzes = {q["slug"]: q for m in progress["modules"] for q in m["quizzes"]}
    assert quizzes["m1-rise-over-run-quiz"]["attempted"] == 1
    assert api(key).get("/api/v1/learners/nobody/progress").status_code == 404


# --- API keys -------------------------------------------------------------------------------------


def test_the_operator_creates_lists_and_revokes_a_key_for_a_user(operator, client_user):
    created = post_json(
        api(operator), "/api/v1/api-keys", {"user": "client", "name": "LMS", "scopes": ["read"]}
    )
    assert created.status_code == 201
    new = created.json()
    assert new["key"].startswith("tk_") and new["scopes"] == ["read"]
    assert new["user"] == "client" and new["course"] is None and new["operator"] is False
    assert new["callback_secret"].startswith("whsec_")
    assert api(new["key"]).get("/api/v1/exercises").status_code == 200
    assert submit(new["key"]).status_code == 403
    listed = api(operator).get("/api/v1/api-keys").json()["items"]
    assert new["prefix"] in {k["prefix"] for k in listed}
    assert all("key" not in k and "callback_secret" not in k for k in listed)
    assert api(operator).delete(f"/api/v1/api-keys/{new['id']}").status_code == 204
    assert api(new["key"]).get("/api/v1/exercises").status_code == 401


def test_a_user_key_makes_keys_only_for_itself_with_no_more_than_it_has(key):
    made = post_json(api(key), "/api/v1/api-keys", {"scopes": ["read"]})
    assert made.status_code == 201 and made.json()["user"] == "client"
    staff = post_json(api(key), "/api/v1/api-keys", {"scopes": ["staff"]})
    assert staff.status_code == 403
    assert "'staff'" in staff.json()["detail"]
    read_only = made.json()["key"]
    assert post_json(api(read_only), "/api/v1/api-keys", {}).status_code == 403
    assert [k["prefix"] for k in api(read_only).get("/api/v1/api-keys").json()["items"]] == [
        made.json()["prefix"],
        key.split("_")[1],
    ]


def test_revoking_an_unknown_key_is_404(operator):
    assert api(operator).delete("/api/v1/api-keys/999999").status_code == 404


# --- idempotency -------------------------------------------------------------------------------------


def test_the_same_idempotency_key_and_body_replays_the_first_response(key):
    first = submit(key, **{"Idempotency-Key": "abc"})
    second = submit(key, **{"Idempotency-Key": "abc"})
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert second["Location"] == first["Location"]
    assert second["Idempotent-Replayed"] == "true"
    assert Submission.objects.count() == 1


def test_the_same_idempotency_key_with_another_body_is_422(key):
    submit(key, **{"Idempotency-Key": "abc"})
    other = submit(key, learner="someone-else", **{"Idempotency-Key": "abc"})
    assert other.status_code == 422
    assert "different request body" in other.json()["detail"]


def test_a_request_while_the_first_is_in_flight_is_409(key, client_user):
    from api.idempotency import digest

    body = {"exercise": "m1-rise-over-run", "answer": RIGHT}
    from api.submissions import SubmissionIn

    IdempotencyRecord.objects.create(
        client=client_user, key="abc", body_digest=digest(SubmissionIn(**body).dict())
    )
    response = submit(key, **{"Idempotency-Key": "abc"})
    assert response.status_code == 409
    assert "still being handled" in response.json()["detail"]


def test_an_invalid_answer_is_replayed_as_the_same_422(key):
    bad = {"parts": {"secant": {"value": "abc"}, "tangent": {"value": "1"}}}
    first = submit(key, answer=bad, **{"Idempotency-Key": "k1"})
    second = submit(key, answer=bad, **{"Idempotency-Key": "k1"})
    assert first.status_code == second.status_code == 422
    assert first.json() == second.json()


def test_idempotency_keys_belong_to_their_client(key, bank):
    other = api_key_for(make_user("other-client"))
    submit(key, **{"Idempotency-Key": "shared"})
    assert submit(other, **{"Idempotency-Key": "shared"}).status_code == 202
    assert Submission.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_idempotency_key_make_one_submission(live_server, bank):
    key = api_key_for(make_user("racer"))
    body = json.dumps({"exercise": "m1-rise-over-run", "answer": RIGHT})

    def send(_):
        return requests.post(
            f"{live_server.url}/api/v1/submissions",
            data=body,
            headers={
                "Authorization": f"Bearer {key}",
                "Content-Type": "application/json",
                "Idempotency-Key": "race-1",
            },
            timeout=30,
        )

    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(send, range(6)))
    assert Submission.objects.count() == 1
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {202, 409} and 202 in statuses
    assert {r.json()["id"] for r in responses if r.status_code == 202} == {
        Submission.objects.get().pk
    }


# --- errors, limits, throttling --------------------------------------------------------------------------


def test_a_callback_url_must_be_public_https(key, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    body = {"exercise": "m1-rise-over-run", "answer": RIGHT}
    for url in ("http://example.org/hook", "https://127.0.0.1/hook", "https://10.0.0.1/x"):
        response = post_json(api(key), "/api/v1/submissions", {**body, "callback_url": url})
        assert response.status_code == 422, url
        assert "callback_url" in response.json()["errors"]


def test_a_key_over_its_rate_gets_429_with_retry_after(key, settings):
    settings.API_THROTTLE_PER_MINUTE = 3
    client = api(key)
    statuses = [client.get("/api/v1/exercises").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = client.get("/api/v1/exercises")
    assert response["Content-Type"] == "application/problem+json"
    assert 1 <= int(response["Retry-After"]) <= 61
    assert response.json()["status"] == 429


def test_throttling_counts_each_key_on_its_own(key, settings, bank):
    settings.API_THROTTLE_PER_MINUTE = 1
    other = api_key_for(make_user("other-client"))
    assert api(key).get("/api/v1/exercises").status_code == 200
    assert api(other).get("/api/v1/exercises").status_code == 200
    assert api(key).get("/api/v1/exercises").status_code == 429


def test_the_openapi_schema_names_every_resource():
    paths = set(api().get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/exercises",
        "/api/v1/exercises/{slug}",
        "/api/v1/exercises/{slug}/variants",
        "/api/v1/submissions",
        "/api/v1/submissions/{submission_id}",
        "/api/v1/submissions/{submission_id}/cancel",
        "/api/v1/submissions/{submission_id}/regrade",
        "/api/v1/results/{submission_id}",
        "/api/v1/results/{submission_id}/results.json",
        "/api/v1/learners/{ref}/progress",
        "/api/v1/api-keys",
        "/api/v1/api-keys/{key_id}",
        "/api/v1/webhooks",
        "/api/v1/webhooks/{webhook_id}",
        "/api/v1/webhooks/{webhook_id}/test",
        "/api/v1/webhooks/{webhook_id}/deliveries",
        "/api/v1/health",
    } <= paths


def test_the_docs_page_loads_its_scripts_from_our_own_static_files():
    page = Client().get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()


def test_a_regraded_failed_submission_gets_its_fault_retries_again(key, operator, settings):
    """Every regrade path opens the new grading request the same way (courseware.grading.pipeline)."""
    from django.utils import timezone

    from courseware.grading import pipeline

    failed = submit(key).json()["id"]
    fault = RuntimeError("the engine broke")
    while pipeline.record_grader_error(failed, 1, fault, timezone.now()):
        pass
    assert Submission.objects.get(pk=failed).grader_errors == settings.GRADER_ERROR_RETRIES + 1
    assert api(operator).post(f"/api/v1/submissions/{failed}/regrade").status_code == 202
    regraded = Submission.objects.get(pk=failed)
    assert (regraded.status, regraded.grader_errors, regraded.failure_reason) == ("queued", 0, "")
    assert pipeline.record_grader_error(failed, regraded.grading_round, fault, timezone.now())
    assert Submission.objects.get(pk=failed).status == "queued"  # retried, not failed at once


def test_a_keys_last_use_is_kept_to_the_minute_without_a_write_per_request(key, client_user):
    from django.db import connection

    from lms.models import ApiKey

    assert api(key).get("/api/v1/exercises").status_code == 200
    first_use = ApiKey.objects.get(user=client_user).last_used_at
    assert first_use is not None
    statements: list[str] = []
    with connection.execute_wrapper(
        lambda run, sql, *args: statements.append(sql) or run(sql, *args)
    ):
        assert api(key).get("/api/v1/exercises").status_code == 200
    assert statements and not [sql for sql in statements if sql.startswith("UPDATE")]
    assert ApiKey.objects.get(user=client_user).last_used_at == first_use
    [listed] = api(key).get("/api/v1/api-keys").json()["items"]
    assert listed["last_used_at"] is not None
