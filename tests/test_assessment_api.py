"""The assessments API over HTTP: staff of one course manage its assessments, exceptions and grades
(audited), and answers sent through the API follow the assessment's rules and release policy."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from courseware.models import Assessment, AssessmentException, AuditEntry, Membership, Submission
from courseware.tasks import grade_submission
from tests.support.people import api_key_for, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db
HOUR = timezone.timedelta(hours=1)
EXERCISE = "m1-graph-derivative-match"
RIGHT, WRONG = {"choices": ["derivative"]}, {"choices": ["negated"]}
HOMEWORK = "m1-matching-graphs"


def client_for(key: str) -> Client:
    return Client(headers={"authorization": f"Bearer {key}"})


def send(client: Client, method: str, path: str, body=None):
    return getattr(client, method)(
        f"/api/v1{path}", json.dumps(body) if body is not None else None,
        content_type="application/json",
    )  # fmt: skip


@pytest.fixture
def calc(bank):
    return make_course()


@pytest.fixture
def staff(calc):
    user = make_user("teacher")
    enrol(user, calc, Membership.Role.STAFF)
    return client_for(api_key_for(user, ["read", "submit", "staff"], calc))


@pytest.fixture
def learner(calc):
    return learner_in(calc, "ada")


@pytest.fixture
def homework(calc) -> Assessment:
    return calc.assessments.get(slug=HOMEWORK)


def test_staff_create_read_change_and_delete_an_assessment(staff, calc):
    body = {
        "slug": "week-1",
        "title": "Week 1",
        "due_at": "2030-01-08T12:00:00Z",
        "late_until": "2030-01-10T12:00:00Z",
        "late_credit": 0.5,
        "attempt_limit": 3,
        "feedback": "after_due",
        "items": [
            {"exercises": [EXERCISE], "points": 2},
            {"exercises": ["m1-chain-rule", "m1-product-rule"], "points": 3},
        ],
    }
    created = send(staff, "post", "/courses/calc/assessments", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["total_points"] == 5
    assert [i["exercises"] for i in data["items"]] == [
        [EXERCISE],
        ["m1-chain-rule", "m1-product-rule"],
    ]
    assert data["late_credit"] == 0.5 and data["feedback"] == "after_due"
    listed = send(staff, "get", "/courses/calc/assessments").json()["items"]
    assert "week-1" in [a["slug"] for a in listed]

    changed = send(staff, "patch", "/courses/calc/assessments/week-1", {"attempt_limit": 5})
    assert changed.status_code == 200 and changed.json()["attempt_limit"] == 5
    assert changed.json()["late_credit"] == 0.5  # what was not sent is kept
    entry = AuditEntry.objects.filter(assessment__slug="week-1").first()
    assert entry.action == "assessment changed" and entry.detail == {"attempt_limit": 5}

    assert send(staff, "delete", "/courses/calc/assessments/week-1").status_code == 204
    assert not calc.assessments.filter(slug="week-1").exists()
    assert AuditEntry.objects.filter(detail__slug="week-1", detail__deleted=True).exists()
    gone = send(staff, "get", "/courses/calc/assessments/week-1")
    assert gone.status_code == 404 and "week-1" in gone.json()["detail"]


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        ({"slug": HOMEWORK, "title": "Again"}, "slug", "already has an assessment"),
        ({"slug": "x", "title": "X", "late_credit": 2}, "late_credit", "less than or equal to 1"),
        ({"slug": "x", "title": "X", "due_at": "2030-01-01T12:00:00"}, "due_at", "timezone"),
        (
            {"slug": "x", "title": "X", "late_until": "2030-01-01T12:00:00Z"},
            "late_until",
            "needs a due date",
        ),
        (
            {"slug": "x", "title": "X", "items": [{"exercises": ["no-such"]}]},
            "items.0.exercises",
            "no live exercise 'no-such'",
        ),
        ({"slug": "x", "title": "X", "feedback": "sometimes"}, "feedback", "immediate"),
        ({"slug": "x", "title": "X", "colour": "red"}, "colour", "Extra inputs"),
    ],
)
def test_a_bad_assessment_is_refused_naming_the_field_and_why(staff, body, field, reason):
    response = send(staff, "post", "/courses/calc/assessments", body)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors and reason in " ".join(errors[field])
    assert field in response.json()["detail"]


def test_items_are_replaced_until_a_learner_starts(staff, learner, homework):
    path = f"/courses/calc/assessments/{HOMEWORK}"
    items = [{"exercises": [EXERCISE], "points": 2}, {"exercises": ["m1-chain-rule"]}]
    replaced = send(staff, "patch", path, {"items": items})
    assert replaced.status_code == 200, replaced.content
    assert replaced.json()["total_points"] == 3
    entry = AuditEntry.objects.filter(action="items changed").first()
    assert entry.detail["replaced"][0] == {"exercises": [EXERCISE], "points": 2}
    own = client_for(api_key_for(learner, ["read", "submit"]))
    body = {"exercise": EXERCISE, "answer": RIGHT, "assessment": f"calc/{HOMEWORK}"}
    assert answer(own, body).status_code == 202
    refused = send(staff, "patch", path, {"items": items[:1]})
    assert refused.status_code == 409 and "Learners have started" in refused.json()["detail"]
    assert Assessment.objects.get(pk=homework.pk).items.count() == 2


def test_a_change_that_breaks_the_schedule_is_refused(staff, homework):
    homework.due_at = timezone.now() + HOUR
    homework.save()
    response = send(
        staff,
        "patch",
        f"/courses/calc/assessments/{HOMEWORK}",
        {"late_until": (timezone.now() - HOUR).isoformat()},
    )
    assert response.status_code == 422
    assert "after the due date" in response.json()["errors"]["late_until"][0]
    assert Assessment.objects.get(pk=homework.pk).late_until is None


def test_staff_of_another_course_and_learners_cannot_reach_it(calc, learner, homework):
    other = make_course("other", "Other")
    teacher = make_user("other_teacher")
    enrol(teacher, other, Membership.Role.STAFF)
    elsewhere = client_for(api_key_for(teacher, ["read", "submit", "staff"], other))
    own = client_for(api_key_for(learner, ["read", "submit"]))
    for client in (elsewhere, own):
        for method, path, body in (
            ("get", "/courses/calc/assessments", None),
            ("patch", f"/courses/calc/assessments/{HOMEWORK}", {"title": "Mine"}),
            ("put", f"/courses/calc/assessments/{HOMEWORK}/exceptions/ada", {"extra_attempts": 1}),
            ("get", f"/courses/calc/assessments/{HOMEWORK}/grades", None),
        ):
            response = send(client, method, path, body)
            assert response.status_code == 403, (method, path)
    assert elsewhere.get("/api/v1/courses/calc/assessments").json()["detail"] == (
        "This key acts in course 'other' only."
    )
    assert Assessment.objects.get(pk=homework.pk).title != "Mine"
    assert not AssessmentException.objects.exists()


def test_exceptions_are_set_replaced_and_removed_with_an_audit_trail(staff, learner, homework):
    path = f"/courses/calc/assessments/{HOMEWORK}/exceptions/ada"
    made = send(staff, "put", path, {"extra_attempts": 2, "reason": "illness"})
    assert made.status_code == 201 and made.json()["extra_attempts"] == 2
    replaced = send(staff, "put", path, {"due_at": "2030-02-01T12:00:00Z"})
    assert replaced.status_code == 200 and replaced.json()["extra_attempts"] == 0
    assert send(staff, "delete", path).status_code == 204
    assert send(staff, "delete", path).status_code == 404
    actions = list(
        AuditEntry.objects.filter(learner=learner).order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["exception set", "exception set", "exception removed"]


def test_a_bad_exception_is_refused_naming_the_field(staff, learner, homework):
    path = f"/courses/calc/assessments/{HOMEWORK}/exceptions/ada"
    nothing = send(staff, "put", path, {})
    assert nothing.status_code == 422 and "at least one" in nothing.json()["detail"]
    shrink = send(staff, "put", path, {"time_multiplier": 0.5})
    assert shrink.status_code == 422 and "time_multiplier" in shrink.json()["errors"]
    stranger = send(
        staff,
        "put",
        f"/courses/calc/assessments/{HOMEWORK}/exceptions/nobody",
        {"extra_attempts": 1},
    )
    assert stranger.status_code == 404 and "nobody" in stranger.json()["detail"]


def answer(client: Client, body: dict):
    response = send(client, "post", "/submissions", body)
    if response.status_code == 202:
        grade_submission.apply(args=(response.json()["id"], 1))
    return response


def test_api_answers_follow_the_attempt_limit_across_variants(calc, learner, homework):
    homework.attempt_limit = 2
    homework.save()
    own = client_for(api_key_for(learner, ["read", "submit"]))
    body = {"exercise": EXERCISE, "answer": WRONG, "assessment": f"calc/{HOMEWORK}"}
    assert answer(own, body).status_code == 202
    item = homework.items.get()
    from courseware.variants import new_attempt

    new_attempt(learner, item.pool.get().exercise, calc, item=item)  # another variant
    assert answer(own, body).status_code == 202
    refused = answer(own, body)
    assert refused.status_code == 409
    assert "all 2 attempts" in refused.json()["detail"]
    practice = answer(own, {"exercise": EXERCISE, "answer": WRONG})
    assert practice.status_code == 202  # practice is not an attempt of the assessment


def test_api_answers_after_the_late_window_are_refused_with_the_reason(learner, homework):
    homework.due_at, homework.late_until = timezone.now() - 2 * HOUR, timezone.now() - HOUR
    homework.save()
    own = client_for(api_key_for(learner, ["read", "submit"]))
    body = {"exercise": EXERCISE, "answer": RIGHT, "assessment": f"calc/{HOMEWORK}"}
    refused = answer(own, body)
    assert refused.status_code == 409 and "closed at" in refused.json()["detail"]
    assert not Submission.objects.exists()


def test_late_credit_applies_to_api_answers(staff, learner, homework):
    homework.due_at, homework.late_until = timezone.now() - HOUR, timezone.now() + HOUR
    homework.late_credit = 0.5
    homework.save()
    own = client_for(api_key_for(learner, ["read", "submit"]))
    body = {"exercise": EXERCISE, "answer": RIGHT, "assessment": f"calc/{HOMEWORK}"}
    assert answer(own, body).status_code == 202
    grades = send(staff, "get", f"/courses/calc/assessments/{HOMEWORK}/grades").json()
    [row] = [r for r in grades["items"] if r["learner"] == "ada"]
    assert row["points"] == 0.5 and row["possible"] == 1
    assert row["items"][0]["late"] is True


def test_results_are_withheld_until_the_due_date_when_feedback_is_after_due(
    staff, learner, homework
):
    homework.due_at, homework.feedback = timezone.now() + HOUR, "after_due"
    homework.save()
    own = client_for(api_key_for(learner, ["read", "submit"]))
    made = answer(own, {"exercise": EXERCISE, "answer": RIGHT, "assessment": f"calc/{HOMEWORK}"})
    submission_id = made.json()["id"]
    seen = own.get(f"/api/v1/submissions/{submission_id}").json()
    assert seen["status"] == "graded" and seen["released"] is False
    assert (seen["verdict"], seen["score"], seen["feedback"]) == (None, None, [])
    assert seen["assessment"] == f"calc/{HOMEWORK}"
    result = own.get(f"/api/v1/results/{submission_id}")
    assert result.status_code == 409 and "released after its due date" in result.json()["detail"]
    assert staff.get(f"/api/v1/submissions/{submission_id}").json()["verdict"] == "correct"
    Assessment.objects.filter(pk=homework.pk).update(due_at=timezone.now() - HOUR)
    after = own.get(f"/api/v1/submissions/{submission_id}").json()
    assert after["released"] is True and after["verdict"] == "correct"


def test_an_answer_outside_the_assessment_is_refused_naming_the_field(learner, homework):
    own = client_for(api_key_for(learner, ["read", "submit"]))
    wrong_exercise = answer(
        own,
        {"exercise": "m1-chain-rule", "answer": {"value": "x"}, "assessment": f"calc/{HOMEWORK}"},
    )
    assert wrong_exercise.status_code == 422
    assert "is not an item of" in wrong_exercise.json()["errors"]["exercise"][0]
    nowhere = answer(own, {"exercise": EXERCISE, "answer": RIGHT, "assessment": "calc/nope"})
    assert nowhere.status_code == 422 and "assessment" in nowhere.json()["errors"]
    malformed = answer(own, {"exercise": EXERCISE, "answer": RIGHT, "assessment": "nope"})
    assert malformed.status_code == 422 and "assessment" in malformed.json()["errors"]


def test_grades_are_paginated(staff, calc, homework):
    for name in ("b1", "b2", "b3"):
        learner_in(calc, name)
    first = send(staff, "get", f"/courses/calc/assessments/{HOMEWORK}/grades?limit=2").json()
    assert len(first["items"]) == 2 and first["next"]
    rest = send(
        staff, "get", f"/courses/calc/assessments/{HOMEWORK}/grades?limit=2&cursor={first['next']}"
    ).json()
    assert [r["learner"] for r in first["items"] + rest["items"]] == ["b1", "b2", "b3"]
    assert rest["next"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"late_credit": None}, "late_credit"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"opens_at": "next tuesday"}, "opens_at"),
        ({"weight": 1e308}, "weight"),
        ({"position": 2**63}, "position"),
        ({"attempt_limit": 0}, "attempt_limit"),
        ({"items": [{"exercises": []}]}, "items.0.exercises"),
        ({"items": [{"exercises": [EXERCISE], "points": -1}]}, "items.0.points"),
        ({"slug": "renamed"}, "slug"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field(staff, homework, body, field):
    response = send(staff, "patch", f"/courses/calc/assessments/{HOMEWORK}", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
