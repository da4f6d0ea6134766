"""The verdict fragment carries what the verdict changes on the learner's page (the hints now
released, the worked solution, the new row of the attempt history, the best score), swapped in out
of band; the status region itself holds the verdict alone. Of the history it carries the new row
alone, for the top of the page's table (on the page from the start, hidden while empty)."""

import re

import pytest
from django.test import Client

from courseware.models import Attempt, Membership
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD, learner_in

pytestmark = pytest.mark.django_db
URL = "/courses/calc/exercises/m1-graph-derivative-match/"
HINT = "a peak or a trough"


def logged_in(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def answer(client, learner, option_id):
    """Answer the current variant, grade it, and return the submission's verdict fragment."""
    client.get(URL)
    attempt = Attempt.objects.get(learner=learner)
    token = option_token(attempt.pk, "answer", option_id)
    taken = client.post(URL + "submit/", {"attempt": attempt.pk, "part-answer": token})
    assert taken.status_code == 202
    submission = attempt.submissions.latest("pk")
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    return client.get(f"/submissions/{submission.pk}/").content.decode()


def out_of_band(fragment: str, element_id: str) -> str:
    """The element of the fragment that replaces the page's `element_id`."""
    found = re.search(
        rf'<(\w+) id="{element_id}"[^>]*hx-swap-oob="true"[^>]*>.*?</\1>', fragment, re.S
    )
    assert found, f"no out-of-band #{element_id} in the fragment"
    return found.group(0)


def new_history_row(fragment: str) -> str:
    """The rows the fragment puts at the top of the page's history table."""
    found = re.search(
        r'<template><tbody hx-swap-oob="afterbegin:#history-rows">(.*?)</tbody></template>',
        fragment,
        re.S,
    )
    assert found, "no history row for the top of the table in the fragment"
    return found.group(1)


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="(attempt-row-\d+)"', html)


def verdict_part(fragment: str) -> str:
    return re.search(r'<div class="grading done".*?</div>', fragment, re.S).group(0)


def test_a_wrong_answer_brings_the_first_hint_and_its_history_row(learner):
    client = logged_in(learner)
    page = client.get(URL).content.decode()
    assert 'id="hints"' in page and 'id="history"' in page and HINT not in page
    fragment = answer(client, learner, "negated")
    assert "Incorrect" in verdict_part(fragment) and HINT not in verdict_part(fragment)
    hints = out_of_band(fragment, "hints")
    assert HINT in hints and " hidden" not in hints.split(">")[0]
    assert 'id="history-rows" data-limit="50"' in page and "No attempts yet." in page
    row = new_history_row(fragment)  # the first row too: the table is on the page, still empty
    submission = Attempt.objects.get(learner=learner).submissions.get()
    assert row_ids(row) == [f"attempt-row-{submission.pk}"]
    assert "Incorrect" in row and "0%" in row
    assert "Best score 0%" in out_of_band(fragment, "exercise-progress")
    assert "Worked solution" not in fragment  # not released after one wrong answer


def test_the_right_answer_brings_solved_the_score_and_the_worked_solution(learner):
    client = logged_in(learner)
    answer(client, learner, "negated")
    fragment = answer(client, learner, "derivative")
    assert "Correct" in verdict_part(fragment)
    assert "Worked solution" in out_of_band(fragment, "solution")
    progress = out_of_band(fragment, "exercise-progress")
    assert "Best score 100%" in progress and "solved" in progress
    newest = Attempt.objects.get(learner=learner).submissions.latest("pk")
    row = new_history_row(fragment)
    assert row_ids(row) == [f"attempt-row-{newest.pk}"]
    assert "Correct" in row and "100%" in row
    page = client.get(URL).content.decode()  # a reload shows the same
    assert "Best score 100%" in page and "Worked solution" in page and HINT in page


def test_staff_looking_at_a_learners_submission_get_the_verdict_alone(learner):
    fragment = answer(logged_in(learner), learner, "negated")
    tutor = learner_in(learner.memberships.get().course, "tutor")
    Membership.objects.filter(user=tutor).update(role=Membership.Role.STAFF)
    submission = Attempt.objects.get(learner=learner).submissions.get()
    seen = logged_in(tutor).get(f"/submissions/{submission.pk}/")
    assert "Incorrect" in fragment
    assert seen.status_code == 200 and "Incorrect" in seen.content.decode()
    assert "hx-swap-oob" not in seen.content.decode()


def test_a_later_answer_brings_its_row_alone_not_the_earlier_rows(learner):
    client = logged_in(learner)
    answer(client, learner, "negated")
    answer(client, learner, "negated")
    earlier = row_ids(client.get(URL).content.decode())
    fragment = answer(client, learner, "derivative")
    newest = Attempt.objects.get(learner=learner).submissions.latest("pk")
    assert len(earlier) == 2 and f"attempt-row-{newest.pk}" not in earlier
    assert row_ids(fragment) == [f"attempt-row-{newest.pk}"]  # the earlier two are not sent
    assert 'id="history"' not in fragment
    assert "Correct" in new_history_row(fragment)
    assert "Worked solution" in out_of_band(fragment, "solution")  # the release rule still reads
    assert HINT in out_of_band(fragment, "hints")  # the earlier answers' scores
    page = client.get(URL).content.decode()
    assert row_ids(page) == [f"attempt-row-{newest.pk}", *earlier]  # newest first, as the page
