"""What a learner may see of one attempt (one variant): its feedback, hints and worked solution.

Hints and a worked solution belong to one variant: they are released by what the learner did on
that attempt, never by their work on other variants of the exercise. `release` is the one rule;
a policy says when each kind of help may be shown:

- feedback: "immediate" (with the verdict), "after_due" (once the due time has passed), "never";
- solutions: "after_solved" (once the attempt is solved, or after the exercise's
  `solution_after` failed submissions), "after_due", "never".

Plain practice is immediate feedback and solutions after solved (`PRACTICE`); an attempt made in
an assessment follows the assessment's policy (its hints may be off, and its due time and late
window are the learner's own, exceptions applied). Pages ask `release_for` what they may show.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from courseware.models import Attempt, Submission
from grader.results import NOT_AN_ATTEMPT, has_full_marks
from grader.spec import ExerciseDef

FEEDBACK_WHEN = ("immediate", "after_due", "never")
SOLUTIONS_WHEN = ("after_solved", "after_due", "never")


@dataclass(frozen=True)
class Policy:
    feedback: str = "immediate"
    solutions: str = "after_solved"
    hints: bool = True

    def __post_init__(self) -> None:
        if self.feedback not in FEEDBACK_WHEN:
            raise ValueError(f"feedback must be one of {', '.join(FEEDBACK_WHEN)}")
        if self.solutions not in SOLUTIONS_WHEN:
            raise ValueError(f"solutions must be one of {', '.join(SOLUTIONS_WHEN)}")


PRACTICE = Policy()


@dataclass(frozen=True)
class Standing:
    """Where the learner stands on one attempt."""

    failed: int = 0  # graded answers to this attempt that scored below full marks
    solved: bool = False  # an answer to this attempt scored full marks
    past_due: bool = False  # the due time of what holds the exercise has passed
    closed: bool = False  # and its late window too: no answer can be taken any more


@dataclass(frozen=True)
class Release:
    """What may be shown now for the attempt."""

    feedback: bool
    hints: int  # how many of the exercise's hints, in order
    solution: bool


def release(exercise: ExerciseDef, standing: Standing, policy: Policy = PRACTICE) -> Release:
    """What of the attempt's help the learner may see, by `policy`, given their `standing`."""
    feedback = feedback_shown(policy.feedback, standing.past_due)
    if policy.solutions == "after_solved":  # solving says the verdict: not before feedback
        after = exercise.solution_after
        solution = feedback and (
            standing.solved or (after is not None and standing.failed >= after)
        )
    else:  # not while a late answer can still be taken
        solution = policy.solutions == "after_due" and standing.closed
    solution = solution and bool(exercise.solution)
    if not policy.hints:
        hints = 0
    elif policy.feedback == "immediate":  # a hint after each failed answer
        hints = min(standing.failed, len(exercise.hints))
    else:  # all of them once feedback is released
        hints = len(exercise.hints) if feedback else 0
    return Release(feedback=feedback, hints=hints, solution=solution)


def feedback_shown(feedback: str, past_due: bool) -> bool:
    """The feedback rule: verdicts, scores and feedback shown now, by the policy's `feedback`."""
    return feedback == "immediate" or (feedback == "after_due" and past_due)


NOT_GRADED = [verdict.value for verdict in NOT_AN_ATTEMPT]


def graded_scores(attempt: Attempt) -> list[float]:
    """The scores of the attempt's graded answers (those that are attempts)."""
    graded = Submission.objects.filter(
        attempt=attempt, purpose=Submission.Purpose.ANSWER, grading__isnull=False
    ).exclude(grading__verdict__in=NOT_GRADED)
    return list(graded.values_list("grading__score", flat=True))


def is_graded_answer(submission: Submission) -> bool:
    """`graded_scores`' rule for one submission read with its grading."""
    grading = submission.grading
    return (
        submission.purpose == Submission.Purpose.ANSWER
        and grading is not None
        and grading.verdict not in NOT_GRADED
    )


def standing_of(
    attempt: Attempt,
    *,
    past_due: bool = False,
    closed: bool = False,
    scores: list[float] | None = None,
) -> Standing:
    """The learner's standing on this attempt alone, from its graded answers' `scores` (read
    here unless the caller has them)."""
    scores = graded_scores(attempt) if scores is None else scores
    return Standing(
        failed=sum(1 for score in scores if not has_full_marks(score)),
        solved=any(has_full_marks(score) for score in scores),
        past_due=past_due,
        closed=closed,
    )


def release_for(
    attempt: Attempt, exercise: ExerciseDef, scores: list[float] | None = None
) -> Release:
    """What of the attempt's help its learner may see now (`scores`: as `standing_of` takes)."""
    item = attempt.assessment_item
    if item is None:
        return release(exercise, standing_of(attempt, scores=scores))
    from courseware.assessments import Phase, schedule_for

    assessment = item.assessment
    schedule = schedule_for(assessment, attempt.learner)
    now = timezone.now()
    due = schedule.due_at is not None
    standing = standing_of(
        attempt,
        past_due=due and schedule.is_past_due(now),
        closed=due and schedule.phase(now) == Phase.CLOSED,
        scores=scores,
    )
    policy = Policy(assessment.feedback, assessment.solutions, hints=assessment.hints)
    return release(exercise, standing, policy)
