"""The review queue, and grades given by staff: accept, reject or override a score, with a reason.

A staff grade is a new append-only Grading for a new grading request of the submission (so a
grading the worker may still be running for the old request is dropped), recorded with the staff
member in `graded_by` and the reason; a change of the learner's best score goes to the outbox.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from courseware import pipeline
from courseware.models import Course, Grading, Submission
from courseware.staff.scope import submissions_in
from courseware.variants import definition_of
from grader.answers.expression import authored, payload_text, read_text
from grader.mathinput import MathInputError, to_latex
from grader.results import Feedback, GraderError, InvalidAnswer, Verdict

STAFF_GRADER = "staff"
DECISIONS = ("accept", "reject", "override")


class ReviewRefused(ValueError):
    """A staff grade that cannot be recorded as asked (a missing reason, a score out of range)."""


def review_queue(course: Course) -> QuerySet:
    """Submissions of the course whose current grading awaits review, oldest first."""
    return (
        submissions_in(course)
        .filter(grading__verdict=Verdict.NEEDS_REVIEW.value)
        .select_related("grading", "attempt__learner", "attempt__exercise_version__exercise")
        .order_by("created_at")
    )


def verdict_for(score: float) -> Verdict:
    if score >= 1.0:
        return Verdict.CORRECT
    return Verdict.PARTIAL if score > 0 else Verdict.INCORRECT


def grade_by_staff(
    submission: Submission, staff, decision: str, reason: str = "", score: float | None = None
) -> Grading:
    """Record a staff grade: accept (full marks), reject (none) or override (`score` in [0, 1]).

    A reason is required for an override; accept and reject take one optionally.
    """
    reason = reason.strip()
    if decision not in DECISIONS:
        raise ReviewRefused("Choose accept, reject or override.")
    if decision == "override":
        if score is None or not 0.0 <= score <= 1.0:
            raise ReviewRefused("Give a score from 0 to 100%.")
        if not reason:
            raise ReviewRefused("Say why the score is overridden: the learner will see the reason.")
    else:
        score = 1.0 if decision == "accept" else 0.0
        reason = reason or (
            "Accepted on review." if decision == "accept" else "Rejected on review."
        )
    now = timezone.now()
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update()
            .select_related("attempt__exercise_version__exercise")
            .get(pk=submission.pk)
        )
        attempt = locked.attempt
        before = pipeline.best_score(attempt.learner_id, attempt.exercise_version.exercise_id)
        locked.request += 1
        grading = Grading.objects.create(
            submission=locked,
            request=locked.request,
            exercise_version_id=attempt.exercise_version_id,
            grader_version=STAFF_GRADER,
            status=Submission.Status.GRADED,
            verdict=verdict_for(score).value,
            score=score,
            feedback=[Feedback("message", f"Graded by course staff: {reason}").as_dict()],
            started_at=now,
            finished_at=now,
            graded_by=staff,
            reason=reason,
        )
        locked.status = Submission.Status.GRADED
        locked.grading = grading
        locked.lease_expires_at = None
        locked.save(
            update_fields=["request", "status", "grading", "lease_expires_at", "updated_at"]
        )
        pipeline.note_score_change(locked, before)
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
            expected_latex = to_latex(authored(part, part.config["answer"], attempt.params).value)
        except (InvalidAnswer, MathInputError, GraderError):
            continue  # evidence is best effort: the raw answer is on the page anyway
        found.append(Evidence(part.name, text, answer_latex, expected_latex))
    return found
