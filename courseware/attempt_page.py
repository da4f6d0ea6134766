"""The parts of an exercise page that a verdict changes: the hints and worked solution the release
rule now allows, the learner's attempt history, and their progress on the exercise.

The page renders them on load; the verdict fragment carries them again (swapped out of band), so
the page is up to date the moment the verdict arrives, without a reload. Of the history it carries
the graded submission's row alone, which the page puts at the top of its table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db.models import QuerySet

from courseware import exams, progress, release, scoring
from courseware.models import Attempt, Submission
from courseware.rendering import render_markdown
from courseware.variants import definition_of
from grader.results import has_full_marks
from tangent.prepared import Prepared

HISTORY_ROWS = 50


@dataclass(frozen=True)
class ExerciseProgress:
    """The learner's best score so far (0–1), None before any graded answer."""

    score: float | None

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)

    @property
    def solved(self) -> bool:
        return self.score is not None and has_full_marks(self.score)


def _history(learner_id: int, item_id: int | None, exercise_id: int | None) -> QuerySet[Submission]:
    """The item's answers, or (`item_id` None) the exercise's in practice."""
    mine = Submission.objects.filter(attempt__learner_id=learner_id)
    if item_id is not None:
        mine = mine.filter(attempt__assessment_item_id=item_id)
    else:
        assert exercise_id is not None, "practice answers are of an exercise"
        mine = mine.filter(
            attempt__assessment_item__isnull=True,
            attempt__exercise_version__exercise_id=exercise_id,
        )
    rows = mine.select_related("grading", "attempt__exercise_version").order_by("-created_at")
    rows = rows.defer("grading__feedback")  # the table shows verdicts and scores only
    return rows[:HISTORY_ROWS]


_HISTORY = Prepared(_history)
_ANSWERS_SCORED = Prepared(
    lambda attempt_id: (
        Submission.objects.filter(attempt_id=attempt_id)
        .select_related("grading")
        .only("attempt", "purpose", "grading__verdict", "grading__score")
    )
)


def history_of(attempt: Attempt) -> list[Submission]:
    """The learner's latest submissions where `attempt` is answered: the assessment item's, or
    (in practice) the exercise's practice attempts, newest first."""
    item_id = attempt.assessment_item_id
    exercise_id = attempt.exercise_version.exercise_id if item_id is None else None
    return _HISTORY(attempt.learner_id, item_id, exercise_id)


def results_withheld(attempt: Attempt) -> bool:
    """Are the verdicts of answers where `attempt` is answered held back from its learner now (an
    assessment whose scores may not be released yet)?"""
    item = attempt.assessment_item
    return item is not None and not exams.may_release_score(item.assessment, attempt.learner)


def progress_of(attempt: Attempt) -> ExerciseProgress | None:
    """The learner's standing on what the attempt answers: their best score on the exercise in
    practice, the item's score in an assessment (None while its results are withheld)."""
    item = attempt.assessment_item
    if item is None:
        exercise_id = attempt.exercise_version.exercise_id
        return ExerciseProgress(
            progress.best_scores(attempt.learner_id, exercise_id).get(exercise_id)
        )
    if results_withheld(attempt):
        return None
    return ExerciseProgress(scoring.item_score(item, attempt.learner).fraction)


def scores_in(history: list[Submission], attempt: Attempt) -> list[float] | None:
    """The scores of the attempt's graded answers from the history shown with it, which holds all
    of them unless it was cut at HISTORY_ROWS; None then."""
    if len(history) >= HISTORY_ROWS:
        return None
    return scores_among(history, attempt)


def scores_among(submissions: Iterable[Submission], attempt: Attempt) -> list[float]:
    """The scores of the attempt's graded answers (as courseware.release reads them) among
    `submissions`, read with their gradings."""
    return [
        s.grading.score
        for s in submissions
        if s.attempt_id == attempt.pk and release.is_graded_answer(s) and s.grading is not None
    ]


def help_for(attempt: Attempt, scores: list[float] | None = None) -> dict[str, Any]:
    """The hints and worked solution the release rule (courseware.release) allows now
    (`scores`: the attempt's graded answers' if the caller has them)."""
    definition = definition_of(attempt)
    shown = release.release_for(attempt, definition, scores)
    hints = [render_markdown(h, attempt.params) for h in definition.hints[: shown.hints]]
    solution = render_markdown(definition.solution, attempt.params) if shown.solution else ""
    return {"hints": hints, "solution": solution}


def after_verdict(submission: Submission, viewer: User) -> dict[str, Any]:
    """What the verdict fragment carries besides the verdict, for the learner's own page; nothing
    for anyone else (staff looking at a learner's submission) or while it is still grading."""
    attempt = submission.attempt
    if attempt.learner_id != viewer.pk or submission.status in ("queued", "running"):
        return {}
    return {"page_parts": True, **verdict_parts(submission)}


def page_parts(attempt: Attempt) -> dict[str, Any]:
    """The page's hints, solution, history and progress for `attempt`."""
    history = history_of(attempt)
    return {"history": history, **parts_around_history(attempt, scores_in(history, attempt))}


def verdict_parts(submission: Submission) -> dict[str, Any]:
    """The page parts for the verdict of `submission`, the history as its row alone (`new_row`).
    The release rule reads the scores of the attempt's answers, in one query."""
    attempt = submission.attempt
    answers = _ANSWERS_SCORED(attempt.pk)
    return {"new_row": submission, **parts_around_history(attempt, scores_among(answers, attempt))}


def parts_around_history(attempt: Attempt, scores: list[float] | None) -> dict[str, Any]:
    """The hints, solution and progress for `attempt` (`scores`: as `help_for` takes), and the
    history's length limit, which the page keeps to as verdicts add rows."""
    return {
        "history_limit": HISTORY_ROWS,
        "hide_results": results_withheld(attempt),
        "standing": progress_of(attempt),
        **help_for(attempt, scores),
    }
