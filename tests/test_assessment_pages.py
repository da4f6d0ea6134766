"""The learner's side of assessments: the course page lists them, an assessment page lists the
learner's items, and an item page takes answers under the assessment's rules and release policy."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from courseware import assessments
from courseware.models import Attempt, Exercise, Submission
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD, make_course

pytestmark = pytest.mark.django_db
HOUR = timezone.timedelta(hours=1)


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


@pytest.fixture
def homework(course):
    homework = course.assessments.get(slug="m1-matching-graphs")
    homework.title = "Homework 1"
    homework.save()
    return homework


def item_url(homework, item=None):
    item = item or homework.items.get()
    return f"/courses/{homework.course.slug}/assessments/{homework.slug}/items/{item.pk}/"


def answer(client, learner, homework, choice="derivative"):
    client.get(item_url(homework))
    attempt = Attempt.objects.filter(learner=learner, assessment_item__assessment=homework).first()
    response = client.post(
        item_url(homework) + "submit/",
        {"attempt": attempt.pk, "part-answer": option_token(attempt.pk, "answer", choice)},
    )
    submission = Submission.objects.filter(attempt=attempt).order_by("-pk").first()
    if submission:
        grade_submission.apply(args=(submission.pk, 1))
    return response


def test_the_course_page_lists_the_course_assessments(client, homework):
    page = client.get("/courses/calc/").content.decode()
    assert "Homework 1" in page
    assert f"/courses/calc/assessments/{homework.slug}/" in page
    assert "Matching the graph of a function" not in page  # the bank's title is the template's


def test_an_item_takes_answers_and_the_scores_show(client, learner, homework):
    row = r"Homework 1</a></th>\s*<td>open\s*</td>\s*<td>{} of 1 points · {}%</td>"
    assert re.search(row.format(0, 0), client.get("/courses/calc/").content.decode())
    assert answer(client, learner, homework).status_code == 202
    assert re.search(row.format(1, 100), client.get("/courses/calc/").content.decode())
    page = client.get(item_url(homework)).content.decode()
    assert "Correct" in page
    assessment_page = client.get(f"/courses/calc/assessments/{homework.slug}/").content.decode()
    assert "Score 1 of 1 points (100%)" in assessment_page
    assert "Match a function to its derivative" in assessment_page


def test_no_verdict_before_the_due_date_when_feedback_comes_after_it(client, learner, homework):
    homework.feedback = "after_due"
    homework.due_at = timezone.now() + HOUR
    homework.save()
    answer(client, learner, homework, "negated")
    submission = Submission.objects.get(attempt__learner=learner)
    status = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Answer received. Results are released after the due date." in status
    assert "Incorrect" not in status and "score" not in status
    assert "a peak or a trough" not in status  # nor does the fragment carry the hint
    assert "<td>received</td>" in status  # only the new row of the attempt history
    page = client.get(item_url(homework)).content.decode()
    assert "Incorrect" not in page and "Results are released after the due date" in page
    assert "a peak or a trough" not in page  # hints would tell
    course_page = client.get("/courses/calc/").content.decode()
    assert "released after the due date" in course_page
    homework.due_at = timezone.now() - HOUR
    homework.save()
    assert "Incorrect" in client.get(item_url(homework)).content.decode()


def test_a_later_answer_on_an_item_brings_its_row_alone_results_withheld_or_not(
    client, learner, homework
):
    homework.feedback = "after_due"
    homework.due_at = timezone.now() + HOUR
    homework.save()
    answer(client, learner, homework, "negated")
    answer(client, learner, homework, "shifted")
    latest = Submission.objects.filter(attempt__learner=learner).latest("pk")
    status = client.get(f"/submissions/{latest.pk}/").content.decode()
    assert re.findall(r'<tr id="attempt-row-(\d+)"', status) == [str(latest.pk)]
    assert 'hx-swap-oob="afterbegin:#history-rows"' in status and 'id="history"' not in status
    assert "<td>received</td>" in status and "Incorrect" not in status
    assert "a peak or a trough" not in status
    homework.due_at = timezone.now() - HOUR  # released: the two failed answers bring the hint
    homework.save()
    status = client.get(f"/submissions/{latest.pk}/").content.decode()
    assert re.findall(r'<tr id="attempt-row-(\d+)"', status) == [str(latest.pk)]
    assert "Incorrect" in status and "a peak or a trough" in status


def test_hints_can_be_turned_off(client, learner, homework):
    answer(client, learner, homework, "negated")
    assert "a peak or a trough" in client.get(item_url(homework)).content.decode()
    homework.hints = False
    homework.save()
    assert "a peak or a trough" not in client.get(item_url(homework)).content.decode()


def test_a_pool_shows_the_learner_their_own_exercise(client, learner, homework):
    pool = list(Exercise.objects.filter(slug__in=["m1-power-sum", "m1-product-rule"]))
    item = assessments.add_item(homework, pool, points=2)
    drawn = assessments.drawn_exercise(item, learner)
    page = client.get(item_url(homework, item)).content.decode()
    assert drawn.title in page
    other = next(e for e in pool if e != drawn)
    assert (
        other.title
        not in client.get(f"/courses/calc/assessments/{homework.slug}/").content.decode()
    )


def test_a_closed_assessment_refuses_answers_and_one_not_open_hides_its_items(
    client, learner, homework
):
    homework.due_at = timezone.now() - HOUR
    homework.save()
    response = answer(client, learner, homework)
    assert response.status_code == 409
    assert "was due at" in response.content.decode()
    homework.opens_at = timezone.now() + HOUR
    homework.due_at = None
    homework.save()
    page = client.get(item_url(homework))
    assert page.status_code == 403
    assert "is not open yet" in page.content.decode()


def test_another_course_assessment_is_not_found(client, homework):
    other = make_course("other", "Another offering")
    theirs = other.assessments.get(slug=homework.slug)
    assert client.get(f"/courses/other/assessments/{theirs.slug}/").status_code == 404
    assert (
        client.get(
            f"/courses/calc/assessments/{homework.slug}/items/{theirs.items.get().pk}/"
        ).status_code
        == 404
    )


def test_continue_where_you_left_off_returns_to_the_item(client, homework):
    client.get(item_url(homework))
    page = client.get("/courses/calc/").content.decode()
    assert f'href="{item_url(homework)}">Continue where you left off' in page
