"""The exam through the API: a course staff key starts a learner's exam, gets when it ends and the
learner's items, answers them, and is refused with 409 and the reason after the end; results are
held back while the policy says so."""

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from courseware.models import AssessmentException, ExamSitting, Membership, Submission
from courseware.tasks import grade_submission
from tests.support.exams import make_exam
from tests.support.people import api_key_for, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db
MINUTE = timezone.timedelta(minutes=1)
BASE = "/api/v1/courses/calc/assessments/midterm"


@pytest.fixture
def exam(course):
    return make_exam(course, feedback="after_due")


@pytest.fixture
def lms(course):
    staff = make_user("lms")
    enrol(staff, course, Membership.Role.STAFF)
    key = api_key_for(staff, ["read", "submit", "staff"], course)
    return Client(headers={"authorization": f"Bearer {key}"})


def post(client, path, body):
    return client.post(path, body, content_type="application/json")


def test_a_course_key_starts_a_learners_exam_and_answers_until_the_end(lms, exam):
    started = post(lms, f"{BASE}/start", {"learner": "s-42"})
    assert started.status_code == 200
    body = started.json()
    assert 29 * 60 < body["seconds_left"] <= 30 * 60 and body["ends_at"]
    assert [i["exercise"] for i in body["items"]] == [
        "m1-graph-derivative-match",
        "m1-rise-over-run",
    ]
    assert "f(x)" in body["items"][1]["prompt"]
    again = post(lms, f"{BASE}/start", {"learner": "s-42"}).json()
    assert again["ends_at"] == body["ends_at"]  # started once
    first = body["items"][0]["id"]
    answered = post(
        lms,
        f"{BASE}/items/{first}/answers",
        {"learner": "s-42", "answer": {"choices": ["derivative"]}},
    )
    assert answered.status_code == 202 and answered.json()["assessment"] == "midterm"
    submission = Submission.objects.get(pk=answered.json()["id"])
    grade_submission.apply(args=(submission.pk, 1))
    assert lms.get(f"/api/v1/submissions/{submission.pk}").json()["verdict"] == "correct"  # staff
    learner_key = api_key_for(submission.attempt.learner)
    own = Client(headers={"authorization": f"Bearer {learner_key}"})
    shown = own.get(f"/api/v1/submissions/{submission.pk}").json()
    assert shown["verdict"] is None and shown["score"] is None  # released after the due date
    held = own.get(f"/api/v1/results/{submission.pk}")
    assert held.status_code == 409 and "released" in held.json()["detail"]
    ExamSitting.objects.update(ends_at=timezone.now() - 10 * timezone.timedelta(seconds=1))
    late = post(
        lms,
        f"{BASE}/items/{first}/answers",
        {"learner": "s-42", "answer": {"choices": ["derivative"]}},
    )
    assert late.status_code == 409
    assert "answers are no longer taken" in late.json()["detail"]
    assert ExamSitting.objects.get().finish == "time"


def test_answers_before_the_start_and_wrong_codes_are_refused(lms, exam):
    exam.access_code = "blue-heron"
    exam.save()
    item = exam.items.order_by("position").first().pk
    early = post(
        lms,
        f"{BASE}/items/{item}/answers",
        {"learner": "s-1", "answer": {"choices": ["derivative"]}},
    )
    assert early.status_code == 409 and "Start the exam first" in early.json()["detail"]
    wrong = post(lms, f"{BASE}/start", {"learner": "s-1", "access_code": "nope"})
    assert wrong.status_code == 409 and "access code" in wrong.json()["detail"]
    assert (
        post(lms, f"{BASE}/start", {"learner": "s-1", "access_code": "blue-heron"}).status_code
        == 200
    )


def test_an_accommodated_learner_answers_when_the_others_cannot(lms, exam, course):
    post(lms, f"{BASE}/start", {"learner": "s-1"})
    grace = learner_in(course, "grace")
    AssessmentException.objects.create(assessment=exam, learner=grace, time_multiplier=1.5)
    key = api_key_for(grace, ["read", "submit"])
    theirs = Client(headers={"authorization": f"Bearer {key}"})
    assert post(theirs, f"{BASE}/start", {}).status_code == 200
    ExamSitting.objects.update(ends_at=F("ends_at") - 35 * MINUTE)
    item = exam.items.order_by("position").first().pk
    answer = {"answer": {"choices": ["derivative"]}}
    assert (
        post(lms, f"{BASE}/items/{item}/answers", {"learner": "s-1", **answer}).status_code == 409
    )
    assert post(theirs, f"{BASE}/items/{item}/answers", answer).status_code == 202


def test_keys_of_other_courses_and_homework_are_not_found(exam, course):
    other = make_course("other", "Other")
    outsider = make_user("outsider")
    enrol(outsider, other, Membership.Role.STAFF)
    key = api_key_for(outsider, ["read", "submit", "staff"], other)
    client = Client(headers={"authorization": f"Bearer {key}"})
    assert post(client, f"{BASE}/start", {"learner": "s-1"}).status_code == 404
    homework = "/api/v1/courses/calc/assessments/m1-matching-graphs/start"
    staff = make_user("prof")
    enrol(staff, course, Membership.Role.STAFF)
    key = api_key_for(staff, ["read", "submit", "staff"], course)
    mine = Client(headers={"authorization": f"Bearer {key}"})
    assert post(mine, homework, {"learner": "s-1"}).status_code == 404
