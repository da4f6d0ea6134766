"""Exams: timed sittings whose end the server fixes at start and enforces on every answer.

A learner starts an exam once (inside its window, with the access code if it has one). The
sitting's end is the start plus the time limit (times the learner's accommodation), never later
than their due date. Until then answers are kept as drafts; answers and drafts that arrive later
than `EXAM_GRACE_SECONDS` after the end are refused. At the end (the learner's "submit", the
periodic sweep, staff, or the next request that sees the time has run out) each draft is submitted
once and graded, as made when it was last saved.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone

from courseware import assessments, audit
from courseware.models import (
    Assessment,
    AssessmentItem,
    ExamDraft,
    ExamSitting,
    PoolEntry,
    Submission,
)
from tangent.prepared import Prepared


class ExamRefused(Exception):
    """The exam may not be started, or the draft not saved, now; the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


ALREADY_FINISHED = "This learner's exam is already finished."


def grace() -> timedelta:
    return timedelta(seconds=settings.EXAM_GRACE_SECONDS)


def is_exam(assessment: Assessment) -> bool:
    return assessment.kind == Assessment.Kind.EXAM


def end_of(schedule: assessments.Schedule, started_at: datetime) -> datetime:
    """When a sitting started at `started_at` ends: the time limit (accommodation applied) or the
    due date, whichever comes first."""
    ends = []
    if schedule.time_limit_minutes is not None:
        ends.append(started_at + timedelta(minutes=schedule.time_limit_minutes))
    if schedule.due_at is not None:
        ends.append(schedule.due_at)
    if not ends:
        raise ExamRefused("This exam has neither a time limit nor a due date.")
    return min(ends)


def sitting_of(assessment: Assessment, learner: User) -> ExamSitting | None:
    return ExamSitting.objects.filter(assessment=assessment, learner=learner).first()


def is_over(sitting: ExamSitting, at: datetime | None = None) -> bool:
    """Finished, or past its end (answers in flight have the grace on top)."""
    at = at or timezone.now()
    return sitting.finished or at > sitting.ends_at + grace()


def seconds_left(sitting: ExamSitting, at: datetime | None = None) -> int:
    if sitting.finished:
        return 0
    at = at or timezone.now()
    return max(0, int((sitting.ends_at - at).total_seconds()))


# --- starting ------------------------------------------------------------------------------------


def start(assessment: Assessment, learner: User, access_code: str = "") -> ExamSitting:
    """The learner's sitting, started now (items drawn, one variant each); the existing one if they
    already started. ExamRefused outside the window, with a wrong code, or not an exam."""
    from courseware.variants import current_item_attempt

    if not is_exam(assessment):
        raise ExamRefused("This assessment is not an exam.")
    existing = sitting_of(assessment, learner)
    if existing is not None:
        return existing
    schedule = assessments.schedule_for(assessment, learner)
    now = timezone.now()
    phase = schedule.phase(now)
    if phase == assessments.Phase.NOT_OPEN:
        raise ExamRefused(f"The exam opens at {schedule.opens_at:%Y-%m-%d %H:%M} UTC.")
    if phase != assessments.Phase.OPEN:
        raise ExamRefused("The exam's window has closed.")
    if assessment.access_code and access_code.strip() != assessment.access_code:
        raise ExamRefused("That access code is not right; ask the person running the exam.")
    with transaction.atomic():
        sitting, created = ExamSitting.objects.get_or_create(
            assessment=assessment,
            learner=learner,
            defaults={"started_at": now, "ends_at": end_of(schedule, now)},
        )
        if created:
            items = assessments.items_for(assessment, learner)
            drawn = assessments.drawn_exercises(items, learner)
            for item in items:
                current_item_attempt(learner, item, drawn[item.pk])
    return sitting


# --- answering -----------------------------------------------------------------------------------


def answer_refusal(assessment: Assessment, learner: User, at: datetime | None = None) -> str | None:
    """Why an answer to the exam may not be taken now (None: it may)."""
    sitting = sitting_of(assessment, learner)
    if sitting is None:
        return "Start the exam first."
    if is_over(sitting, at):
        return f"Your exam ended at {sitting.ends_at:%Y-%m-%d %H:%M:%S} UTC; answers are no longer taken."
    return None


def save_draft(sitting: ExamSitting, item: AssessmentItem, fields: QueryDict) -> ExamDraft:
    """Keep the form's fields as the learner's draft for the item; ExamRefused after the end."""
    if item.assessment_id != sitting.assessment_id:
        raise ExamRefused("That item is not part of this exam.")
    values = {
        name: fields.getlist(name)
        for name in fields
        if name not in ("csrfmiddlewaretoken", "attempt")
    }
    with transaction.atomic():  # not while the sitting is being finalised
        locked = ExamSitting.objects.select_for_update().get(pk=sitting.pk)
        now = timezone.now()
        if not is_over(locked, now):
            draft, _ = ExamDraft.objects.update_or_create(
                sitting=locked, item=item, defaults={"fields": values, "saved_at": now}
            )
            return draft
    finalise_if_over(sitting)
    raise ExamRefused(
        f"Your exam ended at {sitting.ends_at:%Y-%m-%d %H:%M:%S} UTC; the answer was not saved."
    )


def drafts_of(sitting: ExamSitting) -> dict[int, ExamDraft]:
    """{item id: draft} of the sitting."""
    return {d.item_id: d for d in sitting.drafts.all()}


def answered(draft: ExamDraft | None) -> bool:
    """Has the learner written anything in this draft (beyond the form's fixed fields)?"""
    if draft is None:
        return False
    return any(
        value.strip()
        for name, values in draft.fields.items()
        if not name.endswith(("-format", "-rows", "-columns"))
        for value in values
    )


# --- finishing -----------------------------------------------------------------------------------


def finalise_if_over(sitting: ExamSitting) -> bool:
    """Submit the drafts of a sitting whose time has run out; True if it is finished now."""
    if sitting.finished:
        return True
    if timezone.now() <= sitting.ends_at + grace():
        return False
    finalise(sitting, ExamSitting.Finish.TIME)
    sitting.refresh_from_db()
    return True


def finalise(sitting: ExamSitting, how: str) -> list[Submission]:
    """Submit each answered draft once (as made when last saved) and mark the sitting finished.
    Safe to run twice at once: the second finds it finished."""
    from courseware.answer_forms import answer_from_post
    from courseware.grading.intake import store_answer
    from courseware.variants import current_item_attempt, definition_of
    from grader import validate
    from grader.results import InvalidAnswer

    made: list[Submission] = []
    with transaction.atomic():
        locked = ExamSitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.finished:
            return made
        for draft in locked.drafts.select_related("item__assessment"):
            if draft.submission_id is not None or not answered(draft):
                continue
            exercise = assessments.drawn_exercise(draft.item, locked.learner)
            attempt = current_item_attempt(locked.learner, draft.item, exercise)
            post = QueryDict(mutable=True)
            for name, values in draft.fields.items():
                post.setlist(name, values)
            try:
                answer = answer_from_post(definition_of(attempt), attempt, post)
                validate(definition_of(attempt), answer)
            except InvalidAnswer:
                continue  # an unreadable draft is not an attempt, as on the page
            submission = store_answer(attempt, answer)
            made_at = min(draft.saved_at, locked.ends_at)
            Submission.objects.filter(pk=submission.pk).update(created_at=made_at)
            draft.submission = submission
            draft.save(update_fields=["submission"])
            made.append(submission)
        now = timezone.now()
        locked.finished_at = min(now, locked.ends_at) if how == ExamSitting.Finish.TIME else now
        locked.finish = how
        locked.save(update_fields=["finished_at", "finish"])
    sitting.refresh_from_db()
    return made


def finalise_expired() -> int:
    """Finish every sitting whose time has run out (the periodic sweep); how many were."""
    due = ExamSitting.objects.filter(finished_at__isnull=True, ends_at__lt=timezone.now() - grace())
    count = 0
    for sitting in due:
        finalise(sitting, ExamSitting.Finish.TIME)
        count += 1
    return count


# --- staff ---------------------------------------------------------------------------------------


def check_running(sitting: ExamSitting) -> None:
    """Staff act only on a running exam: one whose time has run out is finalised first, and
    refused."""
    if finalise_if_over(sitting):
        raise ExamRefused(ALREADY_FINISHED)


def end_now(sitting: ExamSitting, actor: User) -> None:
    """Staff end a learner's running exam: their drafts are submitted now."""
    check_running(sitting)
    finalise(sitting, ExamSitting.Finish.STAFF)
    assert sitting.finished_at is not None, "finalise finished it (or found it finished)"
    audit.record(
        sitting.assessment.course,
        actor,
        audit.Action.EXAM_ENDED,
        assessment=sitting.assessment,
        learner=sitting.learner,
        ended_at=sitting.finished_at.isoformat(),
    )


def extend(sitting: ExamSitting, minutes: int, actor: User) -> None:
    """Staff give a learner's running exam `minutes` more (not a finished one)."""
    if minutes < 1 or minutes > 24 * 60:
        raise ExamRefused("Give between 1 and 1440 minutes.")
    check_running(sitting)
    with transaction.atomic():
        locked = ExamSitting.objects.select_for_update().get(pk=sitting.pk)
        if locked.finished:
            raise ExamRefused(ALREADY_FINISHED)
        before = locked.ends_at
        locked.ends_at = max(before, timezone.now()) + timedelta(minutes=minutes)
        locked.save(update_fields=["ends_at"])
        audit.record(
            locked.assessment.course,
            actor,
            audit.Action.EXAM_EXTENDED,
            assessment=locked.assessment,
            learner=locked.learner,
            minutes=minutes,
            ends_before=before.isoformat(),
            ends_after=locked.ends_at.isoformat(),
        )
    sitting.refresh_from_db()


# --- practice closed during an exam, and release -------------------------------------------------


def _unfinished_sittings(learner_id: int, course_id: int | None) -> QuerySet[ExamSitting]:
    sittings = ExamSitting.objects.filter(learner_id=learner_id, finished_at__isnull=True)
    if course_id is not None:
        sittings = sittings.filter(assessment__course_id=course_id)
    return sittings.select_related("assessment")


_UNFINISHED_SITTINGS = Prepared(_unfinished_sittings)


def practice_closed_by(learner: User, course_id: int | None, exercise_id: int) -> Assessment | None:
    """The exam in progress for this learner (in the course `course_id`) that holds the exercise,
    if any: its practice page is closed to them until the exam ends."""
    cutoff = timezone.now() - grace()
    for sitting in _UNFINISHED_SITTINGS(learner.pk, course_id):
        if (
            sitting.ends_at > cutoff
            and PoolEntry.objects.filter(
                item__assessment=sitting.assessment, exercise_id=exercise_id
            ).exists()
        ):
            return sitting.assessment
    return None


def practice_closed_message(exam: Assessment) -> str:
    return f"Practice on this exercise is closed while your exam “{exam.title}” is in progress."


def result_withheld(submission: Submission) -> bool:
    """Must the verdict, score and feedback of this answer be held back from the learner and
    their LMS for now (an answer in an assessment whose score may not be released yet)?"""
    item = submission.attempt.assessment_item
    if item is None or submission.purpose != Submission.Purpose.ANSWER:
        return False
    return not may_release_score(item.assessment, submission.attempt.learner)


def may_release_score(assessment: Assessment, learner: User, at: datetime | None = None) -> bool:
    """May the learner's score on the assessment be shown to them and sent to their LMS now?

    The assessment's feedback policy decides; an exam's score is never released while the
    learner's sitting is still running.
    """
    schedule = assessments.schedule_for(assessment, learner)
    if not assessments.feedback_released(assessment, schedule, at):
        return False
    if is_exam(assessment):
        sitting = sitting_of(assessment, learner)
        if sitting is not None and not is_over(sitting, at):
            return False
    return True
