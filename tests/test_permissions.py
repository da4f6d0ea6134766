"""Who may see what: another learner's submission, a course one is not in, the admin."""

import pytest
from django.test import Client

from courseware.models import Course, Exercise, Submission
from courseware.variants import current_attempt
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada_submission(bank):
    ada = learner_in(make_course(), "ada")
    attempt = current_attempt(
        ada, Exercise.objects.get(slug="m1-graph-derivative-match"), Course.objects.get()
    )
    return Submission.objects.create(attempt=attempt, answer={"choices": ["derivative"]})


def logged_in(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_a_learner_cannot_open_another_learners_submission(ada_submission):
    bob = learner_in(Course.objects.get(), "bob")
    assert logged_in(bob).get(f"/submissions/{ada_submission.pk}/").status_code == 404
    assert (
        logged_in(ada_submission.attempt.learner)
        .get(f"/submissions/{ada_submission.pk}/")
        .status_code
        == 200
    )


def test_course_staff_can_open_a_learners_submission(ada_submission):
    teacher = make_user("teacher")
    enrol(teacher, ada_submission.attempt.course, "staff")
    assert logged_in(teacher).get(f"/submissions/{ada_submission.pk}/").status_code == 200


def test_staff_of_another_course_cannot(ada_submission):
    teacher = make_user("teacher")
    enrol(teacher, make_course("other", "Other course"), "staff")
    assert logged_in(teacher).get(f"/submissions/{ada_submission.pk}/").status_code == 404


def test_a_course_one_is_not_in_does_not_exist(bank):
    make_course("closed", "Closed course", open_enrolment=False)
    outsider = make_user("eve")
    client = logged_in(outsider)
    assert client.get("/courses/closed/").status_code == 404
    assert client.get("/courses/closed/exercises/m1-rise-over-run/").status_code == 404
    assert client.post("/courses/closed/enrol/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(bank):
    make_course()
    response = Client().get("/courses/calc/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_another_learners_attempt_cannot_be_answered(ada_submission):
    bob = learner_in(Course.objects.get(), "bob")
    response = logged_in(bob).post(
        "/courses/calc/exercises/m1-graph-derivative-match/submit/",
        {"attempt": ada_submission.attempt.pk, "part-answer": "derivative"},
    )
    assert response.status_code == 404


def test_the_admin_is_for_superusers_only(db):
    staff_but_not_super = make_user("staffer", is_staff=True)
    assert logged_in(staff_but_not_super).get("/admin/").status_code == 302
    root = get_superuser()
    assert logged_in(root).get("/admin/").status_code == 200


def get_superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)
