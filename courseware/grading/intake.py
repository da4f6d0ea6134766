"""Taking an answer: validate it, store it, queue its grading once the transaction commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from courseware import assessments, exams
from courseware.models import Assessment, Attempt, Quiz, Submission
from courseware.scoring import attempts_used, item_attempts_used
from courseware.variants import definition_of
from grader import validate
from tangent import queues
from tangent.prepared import Prepared


class SubmissionRefused(Exception):
    """The answer is well formed but may not be submitted now (quiz closed, due, attempts used up)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


_QUIZZES_WITH = Prepared(lambda exercise_id: Quiz.objects.filter(exercises=exercise_id))


def check_can_submit(attempt: Attempt) -> None:
    """Raise SubmissionRefused when the attempt's assessment, or (for practice) every quiz that
    holds the exercise, forbids a new attempt."""
    if attempt.assessment_item_id is not None:
        check_item_open(attempt)
        return
    closed = exams.practice_closed_by(
        attempt.learner, attempt.course_id, attempt.exercise_version.exercise_id
    )
    if closed is not None:
        raise SubmissionRefused(exams.practice_closed_message(closed))
    quizzes = _QUIZZES_WITH(attempt.exercise_version.exercise_id)
    if not quizzes:
        return
    now = timezone.now()
    reasons = []
    for quiz in quizzes:
        if not quiz.is_open(now):
            reasons.append(f"“{quiz.title}” opens at {quiz.opens_at:%Y-%m-%d %H:%M} UTC.")
        elif quiz.is_past_due(now):
            reasons.append(f"“{quiz.title}” was due at {quiz.due_at:%Y-%m-%d %H:%M} UTC.")
        elif (
            quiz.attempt_limit is not None
            and attempts_used(attempt.learner, attempt.exercise) >= quiz.attempt_limit
        ):
            reasons.append(f"You have used all {quiz.attempt_limit} attempts for this exercise.")
        else:
            return
    raise SubmissionRefused(reasons[0])


def check_item_open(attempt: Attempt) -> None:
    """Raise SubmissionRefused unless the learner's schedule and attempts allow one more answer."""
    item = attempt.assessment_item
    assert item is not None, "called for an attempt on an assessment item"
    # Two answers sent at once must not both take the last attempt: the learner's variants of the
    # item are locked until the answer is stored (the caller's transaction).
    list(
        Attempt.objects.select_for_update()
        .filter(learner=attempt.learner, assessment_item=item)
        .values_list("pk", flat=True)
    )
    if item.assessment.kind == Assessment.Kind.EXAM:
        reason = exams.answer_refusal(item.assessment, attempt.learner)
        if reason is not None:
            raise SubmissionRefused(f"“{item.assessment.title}”: {reason}")
    schedule = assessments.schedule_for(item.assessment, attempt.learner)
    used = item_attempts_used(attempt.learner, item)
    reason = assessments.refusal(schedule, used)
    if reason is not None:
        raise SubmissionRefused(f"“{item.assessment.title}”: {reason}")


def submit(attempt: Attempt, answer: dict[str, Any]) -> Submission:
    """Store the answer (status queued) and queue its grading once the transaction commits.

    Raises grader.results.InvalidAnswer for an unreadable answer (not an attempt) and
    SubmissionRefused when the quiz or the assessment does not allow it.
    """
    validate(definition_of(attempt), answer)
    with transaction.atomic():
        check_can_submit(attempt)
        return store_answer(attempt, answer)


def store_answer(attempt: Attempt, answer: dict[str, Any]) -> Submission:
    """Store a valid answer that may be taken (the caller checked) and queue its grading."""
    submission = Submission.objects.create(
        attempt=attempt, answer=answer, status=Submission.Status.QUEUED
    )
    enqueue(submission)
    return submission


def run_examples(attempt: Attempt, answer: dict[str, Any]) -> Submission:
    """Queue a run of the visible examples ("run my tests"): graded like an answer, never an attempt."""
    validate(definition_of(attempt), answer)
    submission = Submission.objects.create(
        attempt=attempt,
        answer=answer,
        purpose=Submission.Purpose.EXAMPLES,
        status=Submission.Status.QUEUED,
    )
    enqueue(submission)
    return submission


# (waited for less than this many seconds, ask again after this many ms). A symbolic answer is
# graded in a few hundred ms, so a page without push asks every 0.1 s for the first second and
# shows the verdict as soon as it is recorded; then every 0.4 s, so that a rush with push down
# costs at most 15 requests an answer in its first 3 s.
POLL_DELAYS = ((1, 100), (3, 400), (10, 1000), (30, 2000))
POLL_DELAY_LONGEST = 4000


# While push is live a page fetches its fragment when it hears an event; a listen the service
# ends quietly after 55 s is opened again, not followed by a fetch (a new listen hears "graded" at
# once if it came meanwhile). A deadline's backlog keeps thousands of pages waiting for minutes,
# and each fetch is a request to the web: checking every 15 s made a third of a 5,000-answer
# rush's requests. So the page fetches on its own only when a listen has neither ended nor failed
# for SAFETY_DELAY_MS (the push service stalled without a word), and every CHECK_DELAY_MS of
# waiting (a "graded" lost on its way is announced again within seconds by the beat,
# events.announce_missed; this covers a site running without it).
SAFETY_DELAY_MS = 60_000
CHECK_DELAY_MS = 300_000


def poll_delay_ms(created_at: datetime, now: datetime | None = None) -> int:
    """The page's polling interval for a pending submission: quick at first, backing off as it waits.

    A class submitting at a deadline fills the queue; backing off keeps thousands of waiting pages
    from spending the server's time on "not yet" instead of on grading.
    """
    waited = ((now or timezone.now()) - created_at).total_seconds()
    return next((delay for limit, delay in POLL_DELAYS if waited < limit), POLL_DELAY_LONGEST)


def enqueue(submission: Submission, countdown: float | None = None) -> None:
    """Send the submission's current grading round to its queue once the transaction commits
    (at once outside one): code answers to the sandbox's queue, the rest to the grading queue."""
    from courseware.tasks import grade_submission

    pk, grading_round = submission.pk, submission.grading_round
    queue = queues.for_kinds(submission.attempt.exercise_version.kinds)
    # robust: if the broker is away the answer is still stored (queued); the sweeper sends it later.
    transaction.on_commit(
        # Celery takes None for no delay, which celery-types does not allow for.
        lambda: grade_submission.apply_async(
            (pk, grading_round),
            queue=queue,
            countdown=countdown,  # type: ignore[arg-type]
        ),
        robust=True,
    )
