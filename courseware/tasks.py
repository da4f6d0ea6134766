"""Celery tasks: grade a submission; sweep submissions whose grading was lost; announce gradings
whose "graded" was lost."""

from __future__ import annotations

import gc
import logging
from typing import Any

from celery import Task, shared_task
from celery.signals import task_postrun, task_prerun, worker_init, worker_ready, worker_shutdown
from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone

from courseware import exams
from courseware.grading import events, pipeline, workers
from courseware.grading.intake import enqueue
from monitoring.health import sandbox_report
from tangent import logs, redis_client

log = logging.getLogger(__name__)
_heartbeat: workers.Heartbeat | None = None


@shared_task(bind=True, acks_late=True, max_retries=None)  # time limits: per queue
def grade_submission(self: Task[Any, Any], submission_id: int, grading_round: int = 1) -> None:
    """Grade one submission for one grading round; safe to run twice (the second does nothing)."""
    logs.submission_id.set(submission_id)
    try:
        grade_once(submission_id, grading_round)
    except pipeline.Busy as busy:
        raise self.retry(countdown=max(1.0, busy.seconds)) from None
    except (OperationalError, InterfaceError):
        close_old_connections()  # the database went away: try again on a fresh connection
        raise self.retry(countdown=2) from None


def grade_once(submission_id: int, grading_round: int) -> None:
    submission = pipeline.claim(submission_id, grading_round)
    if submission is None:
        return
    started_at = timezone.now()
    try:
        result = pipeline.evaluate(submission)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:  # any other fault here is ours, never the learner's
        if pipeline.record_grader_error(submission_id, grading_round, error, started_at):
            # `submission` was read before this fault: the first retry waits the base, the
            # second twice as long.
            base = settings.GRADER_ERROR_RETRY_BASE_SECONDS
            enqueue(submission, countdown=base * 2**submission.grader_errors)
        return
    pipeline.record(submission_id, grading_round, result, started_at)


@shared_task(ignore_result=True)
def sweep_stuck_submissions() -> int:
    """Re-queue submissions with an expired lease, or queued while the queue holds nothing for them."""
    stuck = pipeline.stuck_submissions(queue_is_empty=redis_client.queue_depth() == 0)
    for submission in stuck:
        log.warning("re-queueing stuck submission %s (%s)", submission.pk, submission.status)
        pipeline.requeue(submission)
    return len(stuck)


@shared_task(ignore_result=True)
def announce_missed_gradings() -> int:
    """Announce again the recent gradings whose "graded" never reached the listening pages."""
    missed = events.announce_missed()
    if missed:
        log.warning("announced %s grading(s) again whose announcement was lost", missed)
    return missed


@shared_task(ignore_result=True)
def regrade_submissions(
    course_id: int, exercise_id: int, ids: list[int], use_current_version: bool
) -> None:
    """A staff regrade of many submissions, out of the web request (progress on the page)."""
    from courseware.staff import regrading

    regrading.run(course_id, exercise_id, ids, use_current_version)


@shared_task(ignore_result=True)
def finalise_expired_exams() -> int:
    """Submit the drafts of every exam sitting whose time has run out."""
    return exams.finalise_expired()


@task_prerun.connect
@task_postrun.connect
def recycle_connections(sender: object = None, **kwargs: object) -> None:
    """A task starts and ends as a request does: a broken database connection, or one older than
    CONN_MAX_AGE, is closed; a healthy one is kept for the next task. Not for a task run eagerly,
    in its caller's process and transaction."""
    if not getattr(getattr(sender, "request", None), "is_eager", False):
        close_old_connections()


@worker_init.connect
def freeze_what_start_up_made(**kwargs: object) -> None:
    """The modules a worker imports before its pool starts (SymPy, NumPy, the bank's definitions)
    are frozen out of the garbage collector's reach, as tangent/wsgi.py does for web processes, and
    the pool's processes inherit that: a full collection then walks only what gradings create, so
    it neither stalls a grading nor spends the CPU budget of an equivalence check."""
    gc.collect()
    gc.freeze()


@worker_ready.connect
def start_heartbeat(sender: object = None, **kwargs: object) -> None:
    global _heartbeat
    name = getattr(sender, "hostname", None)
    _heartbeat = workers.Heartbeat(name, info=lambda: {"sandbox": sandbox_report()})
    _heartbeat.start()


@worker_shutdown.connect
def stop_heartbeat(**kwargs: object) -> None:
    if _heartbeat is not None:
        _heartbeat.stop()
