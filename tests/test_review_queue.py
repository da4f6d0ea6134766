"""The review queue: undecided answers wait with the engine's evidence; staff accept, reject or
override a score with a reason, recorded as a grading by that person."""

import pytest

from courseware.models import Membership, OutboxEvent, Submission
from grader.answers.expression import REVIEW_TEXT
from tests.support.histories import graded, power_rule, variant
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(bank):
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    ada = learner_in(course, "ada")
    feedback = [{"type": "message", "text": REVIEW_TEXT, "data": {}}]
    attempt = variant(ada, power_rule(), {"a": 3, "k": 2}, course)
    return graded(attempt, {"value": "2*3*x^2"}, 0.0, verdict="needs_review", feedback=feedback)


@pytest.fixture
def prof(client, waiting):
    client.login(username="prof", password=PASSWORD)
    return client


def grade(client, submission, **data):
    return client.post(f"/courses/calc/staff/submissions/{submission.pk}/grade/", data)


def test_an_undecided_answer_waits_in_the_queue_with_the_engines_evidence(prof, waiting):
    page = prof.get("/courses/calc/staff/review/").content.decode()
    assert f"#{waiting.pk}</a> · ada · The power rule" in page
    assert 'answer read as <span class="math">' in page and 'expected <span class="math">' in page
    assert "awaiting review by the course staff" in page
    assert "a=3, k=2" in page


def test_accepting_gives_full_marks_as_a_grading_by_the_staff_member(prof, waiting):
    response = grade(prof, waiting, decision="accept", reason="", next="review")
    assert response.status_code == 302 and response["Location"] == "/courses/calc/staff/review/"
    waiting.refresh_from_db()
    g = waiting.grading
    assert (g.verdict, g.score, g.graded_by.username, g.reason) == (
        "correct",
        1.0,
        "prof",
        "Accepted on review.",
    )
    assert waiting.gradings.count() == 2 and waiting.grading_round == 2  # the engine's stays
    assert "Nothing awaits review." in prof.get("/courses/calc/staff/review/").content.decode()
    event = OutboxEvent.objects.get(kind="score.changed")
    assert (event.payload["previous"], event.payload["score"]) == (0.0, 1.0)


def test_the_learner_sees_the_staff_grade_and_its_reason(client, prof, waiting):
    grade(prof, waiting, decision="reject", reason="The product rule was not used.")
    client.login(username="ada", password=PASSWORD)
    page = client.get(f"/submissions/{waiting.pk}/").content.decode()
    assert "Incorrect" in page and "Graded by course staff: The product rule was not used." in page
    assert not OutboxEvent.objects.filter(kind="score.changed").exists()  # the best stayed 0


def test_an_override_sets_any_score_with_a_reason(prof, waiting):
    response = grade(prof, waiting, decision="override", score="40", reason="Half the steps.")
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert (waiting.grading.verdict, waiting.grading.score) == ("partial", 0.4)
    page = prof.get(f"/courses/calc/staff/submissions/{waiting.pk}/").content.decode()
    assert "prof: Half the steps." in page and "engine (test)" in page


def test_an_override_without_a_reason_or_score_is_refused_with_a_message(prof, waiting):
    response = grade(prof, waiting, decision="override", score="40", reason=" ")
    assert response.status_code == 422 and "Say why the score is overridden" in response.text
    response = grade(prof, waiting, decision="override", reason="why")
    assert response.status_code == 422 and "Give a score from 0 to 100%" in response.text
    response = grade(prof, waiting, decision="override", score="150", reason="why")
    assert response.status_code == 422 and "Give a score from 0 to 100%" in response.text
    response = grade(prof, waiting, decision="shrug")
    assert response.status_code == 422 and "Choose accept, reject or override" in response.text
    response = grade(prof, waiting, decision="override", score="forty", reason="why")
    assert response.status_code == 422
    assert "Give the score as a number of percent, from 0 to 100." in response.text
    response = grade(prof, waiting, decision="accept", next="elsewhere")
    assert response.status_code == 422 and "Select a valid choice." in response.text
    assert Submission.objects.get(pk=waiting.pk).gradings.count() == 1


def test_a_staff_grade_is_not_replaced_by_a_later_regrade(prof, waiting):
    grade(prof, waiting, decision="accept")
    page = prof.get("/courses/calc/staff/exercises/t-power-rule/regrade/").content.decode()
    assert "<strong>0</strong> submissions match" in page


def test_a_regrade_filter_that_cannot_be_read_says_why_and_matches_nothing(prof, waiting):
    page = prof.get("/courses/calc/staff/exercises/t-power-rule/regrade/?verdict=shrug&version=x")
    assert page.status_code == 400
    assert "Current verdict: Select a valid choice. shrug is not one of" in page.text
    assert "Graded under version: Enter a whole number." in page.text
    assert "<strong>0</strong> submissions match" in page.text


def test_a_regrade_posted_with_a_filter_that_cannot_be_read_regrades_nothing(prof, waiting):
    response = prof.post(
        "/courses/calc/staff/exercises/t-power-rule/regrade/",
        {"verdict": "shrug", "version_choice": "current"},
    )
    assert response.status_code == 400
    assert "Current verdict: Select a valid choice." in response.text
    assert Submission.objects.get(pk=waiting.pk).grading_round == 1
    response = prof.post(
        "/courses/calc/staff/exercises/t-power-rule/regrade/", {"version_choice": "newest"}
    )
    assert response.status_code == 400 and "Grade against: Select a valid choice." in response.text
