"""Hints and the worked solution belong to one variant; new variants do not reset attempt limits."""

import pytest
from django.test import Client

from courseware.models import Attempt, Quiz
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/courses/calc/exercises/m1-graph-derivative-match/"
SOLUTION = "Worked solution"
HINT = "a peak or a trough"


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


def answer_and_grade(client, learner, option_id):
    attempt = Attempt.objects.filter(learner=learner).order_by("-number").first()
    token = option_token(attempt.pk, "answer", option_id)
    response = client.post(URL + "submit/", {"attempt": attempt.pk, "part-answer": token})
    if response.status_code == 202:
        submission = attempt.submissions.latest("pk")
        grade_submission.apply(args=(submission.pk, submission.grading_round))
    return response


def test_solving_one_variant_shows_no_solution_of_the_next(client, learner):
    assert SOLUTION not in client.get(URL).content.decode()
    answer_and_grade(client, learner, "derivative")
    assert SOLUTION in client.get(URL).content.decode()
    client.post(URL + "another-variant/")
    page = client.get(URL).content.decode()
    assert "Variant 2" in page
    assert SOLUTION not in page
    assert HINT not in page


def test_hints_follow_the_failures_on_the_variant_shown(client, learner):
    client.get(URL)
    answer_and_grade(client, learner, "negated")
    assert HINT in client.get(URL).content.decode()
    client.post(URL + "another-variant/")
    assert HINT not in client.get(URL).content.decode()


def test_a_new_variant_does_not_reset_the_attempt_limit(client, learner):
    Quiz.objects.filter(slug="m1-matching-graphs").update(attempt_limit=2)
    client.get(URL)
    assert answer_and_grade(client, learner, "negated").status_code == 202
    client.post(URL + "another-variant/")
    assert answer_and_grade(client, learner, "shifted").status_code == 202
    client.post(URL + "another-variant/")
    refused = answer_and_grade(client, learner, "derivative")
    assert refused.status_code == 409
    assert "You have used all 2 attempts for this exercise." in refused.content.decode()
    page = client.get(URL).content.decode()
    assert "Variant 3" in page
    assert SOLUTION not in page
