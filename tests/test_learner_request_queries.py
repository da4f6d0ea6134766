"""The requests a learner makes most read the database a bounded number of times: the course page,
an exercise page, an answer taken, and its verdict fragment (each also shows what it should); an
exam's or an assessment's list of items costs the same however many items and pools it has."""

import re

import pytest
from django.test import Client

from courseware.assessments import add_item, drawn_exercise
from courseware.models import Attempt, Exercise, Submission
from courseware.tasks import grade_submission
from tests.support.exams import make_exam
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


def with_items(assessment, count: int) -> None:
    """`count` more items, every other one a pool of two the learner draws from."""
    slugs = list(Exercise.objects.order_by("slug").values_list("slug", flat=True)[: 2 * count])
    for index in range(count):
        pool = slugs[2 * index : 2 * index + (2 if index % 2 else 1)]
        add_item(assessment, list(Exercise.objects.filter(slug__in=pool)))


def queries_of(client, url: str, django_assert_max_num_queries) -> tuple[int, str]:
    client.get(url)  # draws made, attempts created
    with django_assert_max_num_queries(1000) as counted:
        page = client.get(url).content.decode()
    return len(counted.captured_queries), page


@pytest.mark.parametrize("kind", ["exam", "homework"])
def test_a_list_of_items_costs_the_same_however_many_items(
    bank, kind, django_assert_max_num_queries
):
    counts = []
    for size, slug in [(2, "small"), (8, "large")]:
        course = make_course(slug)
        learner = learner_in(course, f"learner-{slug}")
        client = Client()
        client.login(username=learner.username, password=PASSWORD)
        assessment = make_exam(course)
        assessment.kind = kind
        assessment.save()
        with_items(assessment, size)
        url = f"/courses/{slug}/assessments/{assessment.slug}/"
        if kind == "exam":
            started = client.post(url + "start/")
            assert started.status_code in (200, 302), started.content.decode()[:300]
        count, page = queries_of(client, url, django_assert_max_num_queries)
        drawn = [drawn_exercise(item, learner) for item in assessment.items.all()]
        assert len(drawn) == 2 + size and all(exercise.title in page for exercise in drawn)
        counts.append(count)
    assert counts[0] == counts[1]
