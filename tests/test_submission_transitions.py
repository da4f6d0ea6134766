"""Cancel and regrade as plain services (courseware.grading.transitions), without HTTP: what the
API and the staff regrade share."""

import pytest

from courseware.grading import transitions
from courseware.models import Grading, Submission
from tests.support.histories import graded, power_rule, variant
from tests.support.people import learner_in, make_course

pytestmark = pytest.mark.django_db


@pytest.fixture
def done(bank):
    attempt = variant(learner_in(make_course()), power_rule(), {"a": 3, "k": 2})
    return graded(attempt, {"value": "6x^2"}, 1.0)


def with_status(submission: Submission, status: str) -> Submission:
    Submission.objects.filter(pk=submission.pk).update(status=status)
    submission.refresh_from_db()
    return submission


def test_a_queued_submission_is_cancelled(done):
    cancelled = transitions.cancel(with_status(done, "queued"))
    assert cancelled.status == "cancelled"
    assert Submission.objects.get(pk=done.pk).status == "cancelled"


@pytest.mark.parametrize("status", ["graded", "failed", "running", "cancelled"])
def test_cancelling_a_submission_past_the_queue_is_refused_with_its_state(done, status):
    with pytest.raises(transitions.Refused) as refused:
        transitions.cancel(with_status(done, status))
    assert refused.value.reason == (
        f"Only a queued submission can be cancelled; this one is {status}."
    )
    assert Submission.objects.get(pk=done.pk).status == status


def test_a_regrade_opens_a_new_round_and_starts_the_fault_count_again(done):
    Submission.objects.filter(pk=done.pk).update(
        status="failed", grader_errors=3, failure_reason="RuntimeError: the engine broke"
    )
    regraded = transitions.regrade(done.pk)
    stored = Submission.objects.get(pk=done.pk)
    for submission in (regraded, stored):
        assert (
            submission.status,
            submission.grading_round,
            submission.grader_errors,
            submission.failure_reason,
            submission.lease_expires_at,
        ) == ("queued", 2, 0, "", None)
    assert Grading.objects.filter(submission=done).count() == 1  # the old grading stays


@pytest.mark.parametrize("status", ["queued", "running", "cancelled"])
def test_regrading_an_unfinished_submission_is_refused_with_its_state(done, status):
    with_status(done, status)
    with pytest.raises(transitions.Refused) as refused:
        transitions.regrade(done.pk, prepare=lambda _: pytest.fail("prepared a refused regrade"))
    assert refused.value.reason == (
        f"Only a graded or failed submission can be regraded; this one is {status}."
    )
    assert Submission.objects.get(pk=done.pk).grading_round == 1


def test_a_regrade_prepares_the_locked_submission_before_opening_the_round(done):
    seen = []
    transitions.regrade(done.pk, prepare=lambda s: seen.append((s.pk, s.grading_round)))
    assert seen == [(done.pk, 1)]
