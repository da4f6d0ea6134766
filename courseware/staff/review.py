"""The review queue, and grades given by staff: accept, reject or override a score, with a reason.

A staff grade is a new append-only Grading for a new grading round of the submission (so a
grading the worker may still be running for the old round is dropped), committed by
pipeline.record like the engine's (a change of the learner's best score goes to the outbox) and
signed with the staff member in `graded_by` and the reason, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from courseware import audit
from courseware.audit import Action
from courseware.grading import pipeline
from courseware.models import Course, Grading, Submission
from courseware.staff.scope import submissions_in
from courseware.variants import definition_of
from grader.answers.expression import authored, payload_text, read_text
from grader.mathinput import MathInputError, to_latex
from grader.results import FULL_MARKS, Feedback, GraderError, GradeResult, InvalidAnswer, Verdict

STAFF_GRADER = "staff"
DECISIONS = ("accept", "reject", "override")


class ReviewRefused(ValueError):
    """A staff grade that cannot be recorded as asked (a missing reason, a score out of range)."""


def review_queue(course: Course) -> QuerySet[Submission]:
    """Submissions of the course whose current grading awaits review, oldest first."""
    return (
        submissions_in(course)
        .filter(grading__verdict=Verdict.NEEDS_REVIEW.value)
        .select_related("grading", "attempt__learner", "attempt__exercise_version__exercise")
        .order_by("created_at")
    )


def grade_by_staff(
    course: Course,
    submission: Submission,
    staff: User,
    decision: str,
    reason: str = "",
    score: float | None = None,
) -> Grading:
    """Record a staff grade: accept (full marks), reject (none) or override (`score` in [0, 1]),
    written to the course's audit log.

    A reason is required for an override; accept and reject take one optionally.
    """
    reason = reason.strip()
    if decision not in DECISIONS:
        raise ReviewRefused("Choose accept, reject or override.")
    if decision == "override":
        if score is None or not 0.0 <= score <= FULL_MARKS:
            raise ReviewRefused("Give a score from 0 to 100%.")
        if not reason:
            raise ReviewRefused("Say why the score is overridden: the learner will see the reason.")
    else:
        score = FULL_MARKS if decision == "accept" else 0.0
        reason = reason or (
            "Accepted on review." if decision == "accept" else "Rejected on review."
        )
    result = GradeResult(
        Verdict.for_score(score), score, [Feedback("message", f"Graded by course staff: {reason}")]
    )
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        pipeline.open_grading_round(locked, send=False)
        # Committed like any grading (outbox included), then signed by the staff member.
        grading = pipeline.record(locked.pk, locked.grading_round, result, timezone.now())
        assert grading is not None  # the round was opened just now, under the lock
        Grading.objects.filter(pk=grading.pk).update(
            graded_by=staff, reason=reason, grader_version=STAFF_GRADER
        )
        grading.refresh_from_db()
        item = locked.attempt.assessment_item
        audit.record(
            course,
            staff,
            Action.MANUAL_GRADE,
            assessment=item.assessment if item else None,
            learner=locked.attempt.learner,
            submission=locked.pk,
            exercise=locked.attempt.exercise.slug,
            decision=decision,
            score=grading.score,
            reason=grading.reason,
        )
    return grading


@dataclass
class Evidence:
    """What the engine saw, for one expression part: the learner's reading and the expected answer."""

    part: str
    answer_text: str
    answer_latex: str
    expected_latex: str


def evidence_for(submission: Submission) -> list[Evidence]:
    """The learner's answer as the parser read it beside the expected answer, per expression part."""
    attempt = submission.attempt
    definition = definition_of(attempt)
    found = []
    for part in definition.parts:
        if part.kind != "expression":
            continue
        payload = (
            submission.answer
            if definition.single_part
            else (submission.answer or {}).get("parts", {}).get(part.name)
        )
        try:
            text = payload_text(payload)
            answer_latex = to_latex(read_text(part, text).literal)
            expected_latex = to_latex(
                authored(part, part.config["answer"], attempt.params).value, as_written=False
            )
        except (InvalidAnswer, MathInputError, GraderError):
            continue  # evidence is best effort: the raw answer is on the page anyway
        found.append(Evidence(part.name, text, answer_latex, expected_latex))
    return found
