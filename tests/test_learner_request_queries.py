"""The requests a learner makes most read the database a bounded number of times: the course page,
an exercise page, an answer taken, and its verdict fragment (each also shows what it should)."""

import re

import pytest
from django.test import Client

from courseware.models import Attempt, Submission
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = pytest.mark.django_db
EXERCISE = "/courses/calc/exercises/m1-chain-rule/"


@pytest.fixture
def client(bank):
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    client.get(EXERCISE)  # the first visit draws the variant
    client.learner = learner
    return client


def answered(client, value: str) -> Submission:
    attempt = Attempt.objects.get(learner=client.learner)
    taken = client.post(EXERCISE + "submit/", {"attempt": attempt.pk, "part-answer": value})
    assert taken.status_code == 202
    submission = attempt.submissions.latest("pk")
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    return submission


def test_the_exercise_page(client, django_assert_max_num_queries):
    answered(client, "x")
    # user, memberships, exercise, exam in progress, attempt, history, best score
    with django_assert_max_num_queries(7):
        page = client.get(EXERCISE).content.decode()
    assert 'name="part-answer"' in page
    assert "Variant 1" in page
    history = re.search(r'<section id="history".*?</section>', page, re.S).group(0)
    assert history.count("<tr") == 1 + 1  # the header and the answer
    assert "Best score 0%" in page


def test_an_answer_taken(client, django_assert_max_num_queries):
    attempt = Attempt.objects.get(learner=client.learner)
    # user, memberships, exercise, attempt, exam in progress, quizzes, the insert; its transaction
    # begun and committed (here a savepoint in the test's, made and released)
    with django_assert_max_num_queries(9):
        taken = client.post(EXERCISE + "submit/", {"attempt": attempt.pk, "part-answer": "x"})
    assert taken.status_code == 202
    assert "Grading…" in taken.content.decode()
    assert 'class="notebook-cells' not in taken.content.decode()


def test_the_verdict_fragment(client, django_assert_max_num_queries):
    submission = answered(client, "x")
    # user, the submission with its notebook, the attempt's scores, best score
    with django_assert_max_num_queries(4):
        fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert '<p class="verdict' in fragment and "score 0%" in fragment
    assert fragment.count("<tr id=") == 1 and f'id="attempt-row-{submission.pk}"' in fragment
    assert 'id="hints"' in fragment and "Best score 0%" in fragment


def test_a_later_verdict_fragment(client, django_assert_max_num_queries):
    for _ in range(3):
        answered(client, "x")
    submission = answered(client, "x")
    # as the first: the earlier rows are neither read nor sent
    with django_assert_max_num_queries(4):
        fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert fragment.count("<tr id=") == 1 and 'id="history"' not in fragment
    assert f'id="attempt-row-{submission.pk}"' in fragment
    assert 'id="hints"' in fragment and "Best score 0%" in fragment


def test_the_course_page(client, django_assert_max_num_queries):
    answered(client, "x")
    client.get("/courses/calc/")  # the course's assessments, read once and shared
    # user, memberships, best scores, exceptions, assessment answers, exams running, last attempt
    with django_assert_max_num_queries(7):
        page = client.get("/courses/calc/").content.decode()
    assert "Continue where you left off" in page
    assert re.search(r"<td>\d+ of \d+ points · 0%</td>", page)
    assert "Mastery by topic" in page
