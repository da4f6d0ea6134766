"""What a learner may see of one attempt (one variant): its feedback, hints and worked solution.

Hints and a worked solution belong to one variant: they are released by what the learner did on
that attempt, never by their work on other variants of the exercise. `release` is the one rule;
a policy says when each kind of help may be shown:

- feedback: "immediate" (with the verdict), "after_due" (once the due time has passed), "never";
- solutions: "after_solved" (once the attempt is solved, or after the exercise's
  `solution_after` failed submissions), "after_due", "never".

Plain practice is immediate feedback and solutions after solved (`PRACTICE`); `policy_for` is
where an attempt's policy comes from, and pages ask `release_for` what they may show.
"""

from __future__ import annotations

from dataclasses import dataclass

from courseware.models import Attempt, Submission
from grader.results import NOT_AN_ATTEMPT, has_full_marks
from grader.spec import ExerciseDef

FEEDBACK_WHEN = ("immediate", "after_due", "never")
SOLUTIONS_WHEN = ("after_solved", "after_due", "never")


@dataclass(frozen=True)
class Policy:
    feedback: str = "immediate"
    solutions: str = "after_solved"

    def __post_init__(self):
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


@dataclass(frozen=True)
class Release:
    """What may be shown now for the attempt."""

    feedback: bool
    hints: int  # how many of the exercise's hints, in order
    solution: bool


def release(exercise: ExerciseDef, standing: Standing, policy: Policy = PRACTICE) -> Release:
    """What of the attempt's help the learner may see, by `policy`, given their `standing`."""
    feedback = policy.feedback == "immediate" or (
        policy.feedback == "after_due" and standing.past_due
    )
    if policy.solutions == "after_solved":
        after = exercise.solution_after
        solution = standing.solved or (after is not None and standing.failed >= after)
    else:
        solution = policy.solutions == "after_due" and standing.past_due
    solution = solution and bool(exercise.solution)
    if policy.feedback == "immediate":  # a hint after each failed answer
        hints = min(standing.failed, len(exercise.hints))
    else:  # all of them once feedback is released
        hints = len(exercise.hints) if feedback else 0
    return Release(feedback=feedback, hints=hints, solution=solution)


def standing_of(attempt: Attempt, *, past_due: bool = False) -> Standing:
    """The learner's standing on this attempt alone, from its graded answers."""
    graded = Submission.objects.filter(
        attempt=attempt, purpose=Submission.Purpose.ANSWER, grading__isnull=False
    ).exclude(grading__verdict__in=[verdict.value for verdict in NOT_AN_ATTEMPT])
    scores = list(graded.values_list("grading__score", flat=True))
    return Standing(
        failed=sum(1 for score in scores if not has_full_marks(score)),
        solved=any(has_full_marks(score) for score in scores),
        past_due=past_due,
    )


def policy_for(attempt: Attempt) -> Policy:
    """The policy that governs an attempt: practice's, as nothing else holds an attempt back."""
    return PRACTICE


def release_for(attempt: Attempt, exercise: ExerciseDef) -> Release:
    """What of the attempt's help its learner may see now."""
    return release(exercise, standing_of(attempt), policy_for(attempt))
