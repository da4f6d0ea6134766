"""The grading pipeline's steps, as plain functions the Celery task calls.

Recovery is database-driven: a worker claims a submission with a lease; whatever the broker
redelivers, one Grading row is committed per grading round (unique submission + round).

Only record() and record_grader_error() make gradings, and each marks its submission graded or
failed in the same transaction; a new round marks it queued again. So the submission's own row,
locked, says whether its current round's grading is committed (recorded()), without reading the
gradings; the unique constraint stands behind it.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BooleanField, F, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone

import grader
from courseware import outbox
from courseware.grading import events, progress
from courseware.models import Grading, Submission
from courseware.progress import best_scores
from courseware.variants import definition_of
from grader.progress import reporting
from grader.results import Feedback, GradeResult, Verdict
from monitoring import metrics
from tangent.prepared import Prepared

log = logging.getLogger(__name__)
Status = Submission.Status
GRADER_ERROR_TEXT = (
    "We could not grade this answer because of a fault on our side. "
    "It does not count against you; staff have been told."
)


class Busy(Exception):
    """Another worker holds a live lease on the submission; try again when it expires."""

    def __init__(self, seconds: float):
        self.seconds = seconds


def locked(submission_id: int) -> Submission | None:
    """The submission, its row locked until the transaction ends (not its attempt's nor its
    exercise's, which every grading of that exercise reads), with its attempt and exercise."""
    return _LOCKED.first(submission_id)


def _with_exercise(pk: int) -> QuerySet[Submission]:
    return (
        Submission.objects.select_related("attempt__exercise_version__exercise")
        .filter(pk=pk)
        .order_by()  # no LIMIT either: PostgreSQL then plans the joins faster
    )


_LOCKED = Prepared(lambda pk: _with_exercise(pk).select_for_update(of=("self",)))
_CLAIMED = Prepared(_with_exercise)


def recorded(submission: Submission, grading_round: int) -> bool:
    """Is there nothing left to record for this round: a later round opened, or this round's
    grading committed (the submission, locked, is then graded or failed)?"""
    return submission.grading_round != grading_round or submission.status in Submission.FINISHED


def claim(submission_id: int, grading_round: int) -> Submission | None:
    """Take the lease on a submission for this grading round, or None if there is nothing to do.

    One UPDATE takes it (queued, or running with its lease gone), so the claim costs one round
    trip and holds no lock across several; its commit does not wait for the disk (the costliest
    step between a worker taking a submission and grading it): a lease lost in a database crash
    only lets the grading run again (record() needs no lease)."""
    now = timezone.now()
    free = Q(status=Status.QUEUED) | Q(status=Status.RUNNING) & (
        Q(lease_expires_at=None) | Q(lease_expires_at__lte=now)
    )
    takeable = Submission.objects.filter(free, pk=submission_id, grading_round=grading_round)
    taken = _without_waiting_for_the_disk(takeable).update(
        status=Status.RUNNING,
        lease_expires_at=now + timedelta(seconds=settings.GRADING_LEASE_SECONDS),
        deliveries=F("deliveries") + 1,
        updated_at=now,
    )
    if taken:
        return _CLAIMED.first(submission_id)
    held = (
        Submission.objects.filter(
            pk=submission_id, grading_round=grading_round, status=Status.RUNNING
        )
        .values_list("lease_expires_at", flat=True)
        .first()
    )
    if held is not None and held > now:  # another worker grades it: try when its lease ends
        raise Busy((held - now).total_seconds())
    return None  # recorded, cancelled, a later round, or gone


def _without_waiting_for_the_disk(statement: QuerySet[Submission]) -> QuerySet[Submission]:
    """The statement, made to commit without waiting for PostgreSQL to flush it when it is its
    own transaction: a condition, always true, whose set_config lasts until that transaction
    ends (inside a caller's transaction, it would change the caller's commit: left as it is)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return statement
    return statement.filter(
        RawSQL("set_config('synchronous_commit', 'off', true) = 'off'", (), BooleanField())
    )


def evaluate(submission: Submission) -> GradeResult:
    """Grade the stored answer against the attempt's exercise version and parameters; the page
    polling for it sees how many tests are done."""
    attempt = submission.attempt
    run = grader.run_examples if submission.purpose == Submission.Purpose.EXAMPLES else grader.grade
    with reporting(progress.progress_recorder(submission.pk)):
        return run(definition_of(attempt), attempt.params, submission.answer)


def best_score(learner_id: int, exercise_id: int) -> float | None:
    """The learner's best score on the exercise, over each submission's current grading."""
    return best_scores(learner_id, exercise_id).get(exercise_id)


def record(
    submission_id: int, grading_round: int, result: GradeResult, started_at: datetime
) -> Grading | None:
    """Commit the grading once; a duplicate delivery finds it already there and changes nothing."""
    with transaction.atomic():
        submission = locked(submission_id)
        if submission is None or recorded(submission, grading_round):
            return None
        attempt = submission.attempt
        exercise_id = attempt.exercise_version.exercise_id
        first_grading = submission.grading_id is None
        before = best_score(attempt.learner_id, exercise_id)
        grading = _create_grading(
            submission,
            grading_round,
            started_at,
            status=Status.GRADED,
            verdict=result.verdict,
            score=min(max(result.score, 0.0), 1.0),
            feedback=result.feedback_dicts(),
            rule=result.rule or "",
        )
        submission.status = Status.GRADED
        submission.grading = grading
        submission.lease_expires_at = None
        submission.failure_reason = ""
        submission.save(
            update_fields=["status", "grading", "lease_expires_at", "failure_reason", "updated_at"]
        )
        events.announce_done(submission.pk)
        if submission.purpose != Submission.Purpose.ANSWER:
            after = before
        elif first_grading:  # the best so far, or this one
            after = max(grading.score, before) if before is not None else grading.score
        else:  # a regrade: the grading it replaces may have been the best
            after = best_score(attempt.learner_id, exercise_id)
        counted(grading, submission)
        told = [(outbox.SUBMISSION_FINISHED, finished(submission, grading_round))]
        # An answer in an assessment may change its score even when the exercise's best does not.
        item = attempt.assessment_item
        if (
            after != before or item is not None
        ) and submission.purpose == Submission.Purpose.ANSWER:
            payload = {
                "learner": attempt.learner_id,
                "course": attempt.course_id,
                "exercise": attempt.exercise_version.exercise.slug,
                "submission": submission.pk,
                "score": after,
                "previous": before,
            }
            if item is not None:
                payload["assessment"] = item.assessment_id
            told.append((outbox.SCORE_CHANGED, payload))
        outbox.publish(*told)
        return grading


def record_grader_error(
    submission_id: int, grading_round: int, error: BaseException, started_at: datetime
) -> bool:
    """Note a fault of ours; True when the grading should be retried, else it is marked failed."""
    log.exception("grader error on submission %s", submission_id, exc_info=error)
    transaction.on_commit(metrics.grader_fault, robust=True)
    reason = f"{type(error).__name__}: {error}"[:500]
    with transaction.atomic():
        submission = locked(submission_id)
        if submission is None or recorded(submission, grading_round):
            return False
        submission.grader_errors += 1
        submission.lease_expires_at = None
        submission.failure_reason = reason
        if submission.grader_errors <= settings.GRADER_ERROR_RETRIES:
            submission.status = Status.QUEUED
            submission.save(
                update_fields=[
                    "grader_errors",
                    "lease_expires_at",
                    "failure_reason",
                    "status",
                    "updated_at",
                ]
            )
            return True
        grading = _create_grading(
            submission,
            grading_round,
            started_at,
            status=Status.FAILED,
            verdict=Verdict.GRADER_ERROR,
            score=0.0,
            feedback=[Feedback("message", GRADER_ERROR_TEXT).as_dict()],
            reason=reason,
        )
        submission.status = Status.FAILED
        submission.grading = grading
        counted(grading, submission)
        outbox.publish((outbox.SUBMISSION_FINISHED, finished(submission, grading_round)))
        events.announce_done(submission.pk)
        submission.save(
            update_fields=[
                "grader_errors",
                "lease_expires_at",
                "failure_reason",
                "status",
                "grading",
                "updated_at",
            ]
        )
        return False


def _create_grading(
    submission: Submission,
    grading_round: int,
    started_at: datetime,
    *,
    status: Submission.Status,
    verdict: Verdict,
    score: float,
    feedback: list[dict[str, Any]],
    rule: str = "",
    reason: str = "",
) -> Grading:
    """The round's Grading row, graded or failed, finished now."""
    return Grading.objects.create(
        submission=submission,
        grading_round=grading_round,
        exercise_version_id=submission.attempt.exercise_version_id,
        grader_version=grader.GRADER_VERSION,
        status=status,
        verdict=verdict.value,
        score=score,
        feedback=feedback,
        rule=rule,
        reason=reason,
        started_at=started_at,
        finished_at=timezone.now(),
    )


def counted(grading: Grading, submission: Submission) -> None:
    """The grading in the metrics, once it commits."""
    kinds = submission.attempt.exercise_version.kinds
    kind = "+".join(dict.fromkeys(kinds))
    first = grading.grading_round == 1 and grading.graded_by_id is None
    waited = (grading.finished_at - submission.created_at).total_seconds() if first else None
    transaction.on_commit(
        lambda: metrics.grading_recorded(kind, grading.verdict, grading.seconds, waited),
        robust=True,
    )


def finished(submission: Submission, grading_round: int) -> dict[str, Any]:
    return {
        "submission": submission.pk,
        "grading_round": grading_round,
        "status": submission.status,
    }


def open_grading_round(submission: Submission, *, send: bool = True) -> None:
    """A new grading round for `submission` (locked by the caller): every regrade path comes
    here (staff, staff review, the API). The old round's grading, if a worker still runs it, is
    dropped; the fault count starts again, so a fault gets its retries as on a first grading.
    With `send`, the round is queued when the transaction commits; without, the caller grades
    it itself (a staff grade)."""
    from courseware.grading.intake import enqueue

    submission.grading_round += 1
    submission.status = Status.QUEUED
    submission.lease_expires_at = None
    submission.grader_errors = 0
    submission.failure_reason = ""
    submission.save(
        update_fields=[
            "grading_round",
            "status",
            "lease_expires_at",
            "grader_errors",
            "failure_reason",
            "updated_at",
        ]
    )
    if send:
        enqueue(submission)


def stuck_submissions(now: datetime | None = None, *, queue_is_empty: bool) -> list[Submission]:
    """Submissions whose grading was lost: an expired lease, or queued with no message left to serve it."""
    now = now or timezone.now()
    expired = Submission.objects.filter(status=Status.RUNNING, lease_expires_at__lt=now)
    stuck = list(expired)
    if queue_is_empty:
        grace = now - timedelta(seconds=settings.QUEUED_GRACE_SECONDS)
        stuck += list(Submission.objects.filter(status=Status.QUEUED, updated_at__lt=grace))
    return stuck


def requeue(submission: Submission) -> None:
    """Put a stuck submission back in the queue (its lease is given up)."""
    from courseware.grading.intake import enqueue

    with transaction.atomic():
        Submission.objects.filter(
            pk=submission.pk, status__in=[Status.RUNNING, Status.QUEUED]
        ).update(status=Status.QUEUED, lease_expires_at=None, updated_at=timezone.now())
        enqueue(submission)
