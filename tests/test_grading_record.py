"""What recording a grading tells the outside (courseware.grading.pipeline.record): the outbox's
events for it, written in the grading's transaction with one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courseware.grading import pipeline
from courseware.models import OutboxEvent, Submission
from grader.results import GradeResult, Verdict
from tests.support.histories import power_rule, variant
from tests.support.people import learner_in, make_course


@pytest.fixture
def attempt(bank):
    return variant(learner_in(make_course()), power_rule(), {"a": 3, "k": 2})


def graded(attempt, score: float) -> list[tuple[str, dict]]:
    """Record a grading of a new answer with `score`; the outbox events it wrote, and check
    they took one INSERT."""
    submission = Submission.objects.create(attempt=attempt, answer={"value": "6x^2"})
    pipeline.claim(submission.pk, 1)
    verdict = Verdict.CORRECT if score == 1 else Verdict.INCORRECT
    before = OutboxEvent.objects.count()
    with CaptureQueriesContext(connection) as queries:
        pipeline.record(submission.pk, 1, GradeResult(verdict, score), timezone.now())
    inserts = [q for q in queries.captured_queries if "courseware_outboxevent" in q["sql"]]
    assert len(inserts) == 1, [q["sql"] for q in inserts]
    made = OutboxEvent.objects.order_by("pk")[before:]
    return [(event.kind, event.payload) for event in made]


@pytest.mark.django_db
def test_a_grading_that_raises_the_best_score_tells_both_events_in_one_statement(attempt):
    events = graded(attempt, 1.0)
    assert [kind for kind, _ in events] == ["submission.finished", "score.changed"]
    finished, changed = (payload for _, payload in events)
    assert finished["status"] == "graded"
    assert changed["score"] == 1.0
    assert changed["previous"] is None
    assert changed["submission"] == finished["submission"]


@pytest.mark.django_db
def test_a_grading_below_the_best_score_tells_only_that_it_finished(attempt):
    graded(attempt, 1.0)
    events = graded(attempt, 0.0)
    assert [kind for kind, _ in events] == ["submission.finished"]
