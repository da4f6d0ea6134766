"""Faults in the pipeline: killed workers, lost tasks, grader errors — nothing lost, nothing doubled."""

import os
import signal

import pytest
from django.utils import timezone

from courseware.grading.intake import attempts_used, submit
from courseware.models import Attempt, Exercise, Grading, Submission
from courseware.tasks import sweep_stuck_submissions
from courseware.variants import current_attempt
from tests.support.faults import SHORT_LEASE, broker_idle, sweeping_until, wait_until
from tests.support.grading import right_number_answers, wait_for_status
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
FAULTY = "tests.support.faulty_worker"
# A grader fault is retried after 0.1 s, then 0.2 s (1 s and 2 s in production).
QUICK_RETRIES = {"TANGENT_GRADER_ERROR_RETRY_BASE_SECONDS": "0.1"}


@pytest.fixture
def attempt(bank):
    learner = learner_in(make_course())
    return current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))


def running(submission_id):
    return lambda: Submission.objects.get(pk=submission_id).status == Submission.Status.RUNNING


def test_a_worker_killed_mid_grading_is_recovered_and_grades_exactly_once(attempt, live_worker):
    # The next worker, started beforehand (beside the first), puts back a dead worker's
    # unacknowledged message after 2 s (an hour in production), looking every second.
    rescuer = live_worker(
        standby=True, TANGENT_VISIBILITY_TIMEOUT="2", TANGENT_UNACKED_RESTORE_SECONDS="1"
    )
    doomed = live_worker(FAULTY, TANGENT_TEST_GRADING_DELAY="30", **SHORT_LEASE)
    submission = submit(attempt, right_number_answers(attempt))
    wait_until(running(submission.pk))
    doomed.kill()
    rescuer.take_over()
    # Either the broker redelivers the unacknowledged task or the sweeper re-queues it once the
    # killed worker's lease runs out; both may.
    sweeping_until(
        lambda: Submission.objects.get(pk=submission.pk).status == "graded",
        what="the grading after the kill",
    )
    graded = wait_for_status(submission.pk)
    assert graded.status == "graded"
    assert graded.grading.verdict == "correct"
    assert graded.deliveries >= 2
    # The broker's own redelivery of the killed worker's message comes and goes.
    wait_until(broker_idle, timeout=30, what="the redelivered message taken and acknowledged")
    assert Grading.objects.filter(submission=submission).count() == 1


def test_a_pool_process_killed_mid_grading_is_redelivered_and_graded_once(attempt, live_worker):
    worker = live_worker(FAULTY, TANGENT_TEST_GRADING_DELAY="2", **SHORT_LEASE)
    submission = submit(attempt, right_number_answers(attempt))
    wait_until(running(submission.pk))
    for child in worker.children():
        os.kill(child, signal.SIGKILL)
    graded = wait_for_status(submission.pk, timeout=40)
    assert graded.grading.verdict == "correct"
    assert graded.deliveries == 2
    assert Grading.objects.filter(submission=submission).count() == 1


def test_the_sweeper_requeues_a_submission_whose_task_was_lost(attempt, live_worker, settings):
    settings.QUEUED_GRACE_SECONDS = 0
    live_worker()
    lost = Submission.objects.create(
        attempt=attempt, answer=right_number_answers(attempt)
    )  # never queued
    Submission.objects.filter(pk=lost.pk).update(
        updated_at=timezone.now() - timezone.timedelta(minutes=5)
    )
    assert sweep_stuck_submissions() == 1
    assert wait_for_status(lost.pk).grading.verdict == "correct"


def test_a_transient_grader_error_is_retried_and_the_learner_is_graded(attempt, live_worker):
    live_worker(FAULTY, TANGENT_TEST_GRADER_FAILURES="1", **QUICK_RETRIES)
    submission = submit(attempt, right_number_answers(attempt))
    graded = wait_for_status(submission.pk)
    assert graded.grading.verdict == "correct"
    assert graded.grader_errors == 1


def test_a_persistent_grader_error_fails_with_a_message_and_costs_no_attempt(attempt, live_worker):
    live_worker(FAULTY, TANGENT_TEST_GRADER_FAILURES="99", **QUICK_RETRIES)
    submission = submit(attempt, right_number_answers(attempt))
    failed = wait_for_status(submission.pk, timeout=40)
    assert failed.status == "failed"
    assert failed.grader_errors == 3  # the first try and two retries
    assert "RuntimeError: injected grader fault" in failed.failure_reason
    assert failed.grading.verdict == "grader_error"
    assert "does not count against you" in failed.grading.feedback[0]["text"]
    assert attempts_used(attempt.learner, attempt.exercise) == 0
    assert Attempt.objects.count() == 1
