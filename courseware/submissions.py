"""Taking an answer: validate it, store it, queue its grading once the transaction commits."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from courseware.models import Attempt, Quiz, Submission
from courseware.variants import definition_of
from grader import validate
from grader.results import NOT_AN_ATTEMPT
from tangent import queues


class SubmissionRefused(Exception):
    """The answer is well formed but may not be submitted now (quiz closed, due, attempts used up)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def attempts_used(learner, exercise) -> int:
    """Submissions that count as attempts: every one except unreadable answers and our own errors."""
    submissions = Submission.objects.filter(
        attempt__learner=learner,
        attempt__exercise_version__exercise=exercise,
        purpose=Submission.Purpose.ANSWER,
    )
    return (
        submissions.exclude(grading__verdict__in=[v.value for v in NOT_AN_ATTEMPT])
        .exclude(status=Submission.Status.CANCELLED)
        .count()
    )


def check_can_submit(attempt: Attempt) -> None:
    """Raise SubmissionRefused when every quiz that holds the exercise forbids a new attempt."""
    quizzes = list(Quiz.objects.filter(exercises=attempt.exercise_version.exercise_id))
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


def submit(attempt: Attempt, answer: dict) -> Submission:
    """Store the answer (status queued) and queue its grading once the transaction commits.

    Raises grader.results.InvalidAnswer for an unreadable answer (not an attempt) and
    SubmissionRefused when the quiz does not allow it.
    """
    validate(definition_of(attempt), answer)
    check_can_submit(attempt)
    submission = Submission.objects.create(
        attempt=attempt, answer=answer, status=Submission.Status.QUEUED
    )
    enqueue(submission)
    return submission


def run_examples(attempt: Attempt, answer: dict) -> Submission:
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


# (waited for less than this many seconds, ask again after this many ms)
POLL_DELAYS = ((3, 400), (10, 1000), (30, 2000))
POLL_DELAY_LONGEST = 4000


def poll_delay_ms(created_at, now=None) -> int:
    """The page's polling interval for a pending submission: quick at first, backing off as it waits.

    A class submitting at a deadline fills the queue; backing off keeps thousands of waiting pages
    from spending the server's time on "not yet" instead of on grading.
    """
    waited = ((now or timezone.now()) - created_at).total_seconds()
    return next((delay for limit, delay in POLL_DELAYS if waited < limit), POLL_DELAY_LONGEST)


def enqueue(submission: Submission, countdown: float | None = None) -> None:
    """Send the submission's current grading request to its queue once the transaction commits
    (at once outside one): code answers to the sandbox's queue, the rest to the grading queue."""
    from courseware.tasks import grade_submission

    pk, request = submission.pk, submission.request
    queue = queues.for_kinds(submission.attempt.exercise_version.kinds)
    # robust: if the broker is away the answer is still stored (queued); the sweeper sends it later.
    transaction.on_commit(
        lambda: grade_submission.apply_async((pk, request), queue=queue, countdown=countdown),
        robust=True,
    )
