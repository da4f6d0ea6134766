"""Quiz rules a learner meets: opening and due times, attempt limits, another variant, progress."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from courseware.models import Attempt, Exercise, Quiz
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD, api_key_for

pytestmark = pytest.mark.django_db
URL = "/courses/calc/exercises/m1-graph-derivative-match/"


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    client.get(URL)
    return client


def answer(client, learner, choice="derivative"):
    """Choose the option with this id as the page does, by its token for the attempt."""
    attempt = Attempt.objects.filter(learner=learner).order_by("-number").first()
    token = option_token(attempt.pk, "answer", choice) if choice else ""
    return client.post(URL + "submit/", {"attempt": attempt.pk, "part-answer": token})


def quiz(**changes):
    Quiz.objects.filter(slug="m1-matching-graphs").update(**changes)


def test_the_attempt_limit_refuses_one_more(client, learner):
    quiz(attempt_limit=1)
    assert answer(client, learner, "negated").status_code == 202
    refused = answer(client, learner)
    assert refused.status_code == 409
    assert "You have used all 1 attempts for this exercise." in refused.content.decode()
    page = client.get("/courses/calc/quizzes/m1-matching-graphs/").content.decode()
    assert "1 of 1 attempts used" in page


def test_an_unreadable_answer_is_not_an_attempt(client, learner):
    quiz(attempt_limit=1)
    assert answer(client, learner, "").status_code == 422
    assert answer(client, learner).status_code == 202


def test_a_quiz_past_its_due_time_refuses_answers(client, learner):
    quiz(due_at=timezone.now() - timezone.timedelta(hours=1))
    response = answer(client, learner)
    assert response.status_code == 409
    assert "was due at" in response.content.decode()


def test_a_quiz_not_yet_open_refuses_answers_through_the_api_too(learner):
    quiz(opens_at=timezone.now() + timezone.timedelta(days=1))
    api = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    body = {"exercise": "m1-graph-derivative-match", "answer": {"choices": ["derivative"]}}
    response = api.post("/api/v1/submissions", json.dumps(body), content_type="application/json")
    assert response.status_code == 409
    assert "opens at" in response.json()["detail"]


def test_another_variant_draws_new_parameters(client, learner):
    assert "Variant 1" in client.get(URL).content.decode()
    response = client.post(URL + "another-variant/")
    assert response.status_code == 302
    page = client.get(URL).content.decode()
    assert "Variant 2" in page
    first, second = Attempt.objects.filter(learner=learner).order_by("number")
    assert first.params != second.params or first.seed != second.seed


def test_progress_shows_on_the_course_and_quiz_pages(client, learner):
    answer(client, learner)
    submission = Attempt.objects.get(learner=learner).submissions.get()
    grade_submission.apply(args=(submission.pk, 1))
    quiz_page = client.get("/courses/calc/quizzes/m1-matching-graphs/").content.decode()
    assert "correct" in quiz_page
    assert "Score 100%" in quiz_page
    course_page = client.get("/courses/calc/").content.decode()
    assert "1 of" in course_page
    assert Exercise.objects.filter(retired=False).count() >= 4


def test_the_exercise_page_shows_the_plots_and_the_history(client, learner):
    page = client.get(URL).content.decode()
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg"') == 5  # the figure and four options
    answer(client, learner, "second-derivative")
    grade_submission.apply(args=(Attempt.objects.get(learner=learner).submissions.get().pk, 1))
    page = client.get(URL).content.decode()
    assert "Incorrect" in page
    assert "a peak or a trough" in page  # the first hint, revealed after a failed attempt


def test_the_course_page_offers_to_continue_and_shows_mastery_by_topic(client, learner):
    answer(client, learner)
    grade_submission.apply(args=(Attempt.objects.get(learner=learner).submissions.get().pk, 1))
    page = client.get("/courses/calc/").content.decode()
    assert "Continue where you left off: Match a function to its derivative" in page
    assert "Mastery by topic" in page
    graphs = page.split("Graphs of functions and their derivatives</th>", 1)[1].split("</tr>")[0]
    assert "1 of 3</td>" in graphs
