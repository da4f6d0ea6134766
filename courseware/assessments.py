"""Assessments: copies of the bank's quizzes for a course, pool draws, and each learner's schedule.

A course owns its assessments. A new course gets one copy of each of the bank's quizzes; staff then
change the copies as they please, and reloading the bank (which rewrites the quizzes) leaves them
alone. A learner's schedule is the assessment's, overridden by their exception if staff set one.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, models, transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from courseware import shared_cache
from courseware.models import (
    Assessment,
    AssessmentException,
    AssessmentItem,
    Course,
    Exercise,
    ItemDraw,
    PoolEntry,
    Quiz,
    QuizItem,
    Submission,
)
from courseware.release import feedback_shown

# --- a course's assessments from the bank's quizzes --------------------------------------------


def copy_of_quiz(course: Course, quiz: Quiz, position: int = 0) -> Assessment:
    """The course's assessment copied from `quiz` (a homework, one item of one point per exercise)."""
    return _copies(course, [quiz], position)[0]


def copy_bank_template(course: Course) -> list[Assessment]:
    """Give the course a copy of every bank quiz it has no assessment of yet (by slug)."""
    have = set(course.assessments.values_list("slug", flat=True))
    quizzes = Quiz.objects.select_related("module").order_by("module__order", "order")
    missing = [quiz for quiz in quizzes if quiz.slug not in have]
    with transaction.atomic():
        return _copies(course, missing, course.assessments.count()) if missing else []


def _copies(course: Course, quizzes: list[Quiz], start: int) -> list[Assessment]:
    """Copies of `quizzes` for the course from `start` on, in four statements however many there
    are (bulk inserts send no post_save: the course's shared list is forgotten once, here)."""
    assessments = Assessment.objects.bulk_create(
        Assessment(
            course=course,
            slug=quiz.slug,
            title=quiz.title,
            position=start + offset,
            opens_at=quiz.opens_at,
            due_at=quiz.due_at,
            attempt_limit=quiz.attempt_limit,
            source_quiz=quiz,
        )
        for offset, quiz in enumerate(quizzes)
    )
    by_quiz = {assessment.source_quiz_id: assessment for assessment in assessments}
    in_quizzes = QuizItem.objects.filter(quiz__in=quizzes, exercise__retired=False)
    pending: list[tuple[AssessmentItem, int]] = []
    positions: dict[int, int] = {}
    for quiz_id, exercise_id in in_quizzes.order_by("quiz", "position").values_list(
        "quiz_id", "exercise_id"
    ):
        position = positions[quiz_id] = positions.get(quiz_id, -1) + 1
        pending.append(
            (AssessmentItem(assessment=by_quiz[quiz_id], position=position), exercise_id)
        )
    items = AssessmentItem.objects.bulk_create(item for item, _ in pending)
    PoolEntry.objects.bulk_create(
        PoolEntry(item=item, exercise_id=exercise_id)
        for item, (_, exercise_id) in zip(items, pending, strict=True)
    )
    shared_cache.forget(_key(course.pk))
    return assessments


def give_new_course_the_template(
    sender: type[Course], instance: Course, created: bool, raw: bool = False, **_: object
) -> None:
    """post_save of Course: a new course starts with a copy of the bank's quizzes."""
    if created and not raw:
        copy_bank_template(instance)


def add_item(
    assessment: Assessment,
    exercises: list[Exercise],
    points: float = 1.0,
    position: int | None = None,
) -> AssessmentItem:
    """A new item at the end (or at `position`): one exercise, or a pool of several."""
    if not exercises:
        raise ValueError("An item needs at least one exercise.")
    if position is None:
        last = assessment.items.order_by("-position").values_list("position", flat=True).first()
        position = 0 if last is None else last + 1
    item = AssessmentItem.objects.create(assessment=assessment, position=position, points=points)
    PoolEntry.objects.bulk_create(
        PoolEntry(item=item, exercise=e) for e in dict.fromkeys(exercises)
    )
    return item


# --- each course's assessments, shared by its learners' pages ------------------------------------


def course_assessments(course: Course) -> list[tuple[Assessment, list[AssessmentItem]]]:
    """The course's assessments in order, each with its items in order: every learner's course
    page scores them, and they change only when staff edit an assessment or an item, so they are
    shared (courseware.shared_cache) as their rows' plain values, cheaper to read back than
    pickled models."""
    return shared_cache.read_through(_key(course.pk), lambda: _assessment_rows(course), _from_rows)


def _fields(model: type[models.Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


def _assessment_rows(course: Course) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    assessments = course.assessments.values_list(*_fields(Assessment))
    items = AssessmentItem.objects.filter(assessment__course=course).order_by("position", "pk")
    return list(assessments), list(items.values_list(*_fields(AssessmentItem)))


def _from_rows(
    rows: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]],
) -> list[tuple[Assessment, list[AssessmentItem]]]:
    assessment_rows, item_rows = rows
    assessments = [
        Assessment.from_db("default", _fields(Assessment), row) for row in assessment_rows
    ]
    items: dict[int, list[AssessmentItem]] = {a.pk: [] for a in assessments}
    for row in item_rows:
        item = AssessmentItem.from_db("default", _fields(AssessmentItem), row)
        items[item.assessment_id].append(item)
    return [(assessment, items[assessment.pk]) for assessment in assessments]


def _key(course_id: int) -> str:
    return f"course-assessment-rows:{course_id}"


def forget_course_assessments(
    sender: type[models.Model], instance: Assessment | AssessmentItem, **_: Any
) -> None:
    """post_save and post_delete of an assessment or an item: its course's list is read again
    (an item whose assessment is gone went with it, and the assessment's deletion forgot it)."""
    course_id: int | None
    if isinstance(instance, Assessment):
        course_id = instance.course_id
    else:
        course_id = (
            Assessment.objects.filter(pk=instance.assessment_id)
            .values_list("course_id", flat=True)
            .first()
        )
    if course_id is not None:
        shared_cache.forget(_key(course_id))


def forget_assessments_on_changes() -> None:
    for model in (Assessment, AssessmentItem):
        for signal in (post_save, post_delete):
            signal.connect(
                forget_course_assessments,
                sender=model,
                dispatch_uid=f"assessments-{model.__name__}",
            )


# --- pools -------------------------------------------------------------------------------------


def _rng(*parts: object) -> random.Random:
    text = ":".join([str(settings.VARIANT_SALT), *map(str, parts)])
    return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big"))


def drawn_exercise(item: AssessmentItem, learner: User) -> Exercise:
    """The learner's exercise for this item: the only one, or their draw from the pool (made once)."""
    pool = [entry.exercise for entry in item.pool.select_related("exercise__current_version")]
    if not pool:
        raise ValueError(f"{item} has no exercise.")
    if len(pool) == 1:
        return pool[0]
    existing = (
        ItemDraw.objects.filter(item=item, learner=learner).select_related("exercise").first()
    )
    if existing is not None:
        return existing.exercise
    live = [e for e in pool if not e.retired] or pool
    choice = _rng("pool", item.pk, learner.pk).choice(live)
    try:
        with transaction.atomic():
            ItemDraw.objects.create(item=item, learner=learner, exercise=choice)
    except IntegrityError:  # a parallel request drew first: theirs stands
        return ItemDraw.objects.get(item=item, learner=learner).exercise
    return choice


def drawn_exercises(items: Iterable[AssessmentItem], learner: User) -> dict[int, Exercise]:
    """`drawn_exercise` of each item, by item id, in a constant number of queries: one for the
    pools, one for the learner's draws among pools of several (a draw not made yet is made, as
    `drawn_exercise` makes it)."""
    items = list(items)
    pools: dict[int, list[Exercise]] = {item.pk: [] for item in items}
    entries = PoolEntry.objects.filter(item__in=items).select_related("exercise__current_version")
    for entry in entries:
        pools[entry.item_id].append(entry.exercise)
    drawn = {item.pk: pool[0] for item in items if len(pool := pools[item.pk]) == 1}
    several = [item for item in items if len(pools[item.pk]) > 1]
    if several:
        draws = ItemDraw.objects.filter(item__in=several, learner=learner).select_related(
            "exercise"
        )
        drawn.update({draw.item_id: draw.exercise for draw in draws})
    for item in items:
        if item.pk not in drawn:  # no exercise (raises) or no draw yet
            drawn[item.pk] = drawn_exercise(item, learner)
    return drawn


def items_for(assessment: Assessment, learner: User) -> list[AssessmentItem]:
    """The assessment's items in the order this learner sees them (their own order if shuffled)."""
    items = list(assessment.items.all())
    if assessment.shuffle:
        _rng("shuffle", assessment.pk, learner.pk).shuffle(items)
    return items


# --- schedules ---------------------------------------------------------------------------------


class Phase(StrEnum):
    NOT_OPEN = "not open"
    OPEN = "open"
    LATE = "late"
    CLOSED = "closed"


@dataclass(frozen=True)
class Schedule:
    """One learner's dates and allowances on an assessment, exceptions applied."""

    opens_at: datetime | None
    due_at: datetime | None
    late_until: datetime | None
    late_credit: float
    attempt_limit: int | None
    time_limit_minutes: float | None
    has_exception: bool = False

    def phase(self, at: datetime | None = None) -> Phase:
        """Not open yet, open, late (after the due date, before `late_until`), or closed."""
        at = at or timezone.now()
        if self.opens_at is not None and at < self.opens_at:
            return Phase.NOT_OPEN
        if self.due_at is None or at <= self.due_at:
            return Phase.OPEN
        if self.late_until is not None and at <= self.late_until:
            return Phase.LATE
        return Phase.CLOSED

    def is_open(self, at: datetime | None = None) -> bool:
        """Taking answers now (on time or late)."""
        return self.phase(at) in (Phase.OPEN, Phase.LATE)

    def is_late(self, at: datetime | None = None) -> bool:
        return self.phase(at) == Phase.LATE

    def is_past_due(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.due_at is not None and at > self.due_at

    def credit_at(self, at: datetime) -> float:
        """The share of the score an answer made at `at` earns: 1 on time, late credit when late,
        none once closed (an answer can only be that old if staff let it in)."""
        phase = self.phase(at)
        if phase == Phase.LATE:
            return self.late_credit
        if phase == Phase.CLOSED:
            return 0.0
        return 1.0


def schedule_of(assessment: Assessment, exception: AssessmentException | None) -> Schedule:
    """The schedule from the assessment with `exception` (the learner's, or None) applied."""
    limit = assessment.attempt_limit
    time_limit = assessment.time_limit_minutes
    if exception is None:
        return Schedule(
            assessment.opens_at,
            assessment.due_at,
            assessment.late_until,
            assessment.late_credit,
            limit,
            time_limit,
        )
    due_at = exception.due_at or assessment.due_at
    late_until = exception.late_until or assessment.late_until
    if late_until is not None and due_at is not None and late_until < due_at:
        late_until = None  # a later due date swallows the general late window
    return Schedule(
        opens_at=exception.opens_at or assessment.opens_at,
        due_at=due_at,
        late_until=late_until,
        late_credit=assessment.late_credit,
        attempt_limit=None if limit is None else limit + exception.extra_attempts,
        time_limit_minutes=None if time_limit is None else time_limit * exception.time_multiplier,
        has_exception=True,
    )


def schedule_for(assessment: Assessment, learner: User) -> Schedule:
    """This learner's schedule on the assessment."""
    exception = AssessmentException.objects.filter(assessment=assessment, learner=learner).first()
    return schedule_of(assessment, exception)


def schedules_for(assessment: Assessment, learners: Iterable[User]) -> dict[int, Schedule]:
    """{learner id: schedule} for many learners, in one query."""
    exceptions = {
        e.learner_id: e
        for e in AssessmentException.objects.filter(assessment=assessment, learner__in=learners)
    }
    return {learner.pk: schedule_of(assessment, exceptions.get(learner.pk)) for learner in learners}


def refusal(schedule: Schedule, used: int, at: datetime | None = None) -> str | None:
    """Why a new answer may not be taken now (None: it may), for a learner who has `used` attempts."""
    at = at or timezone.now()
    phase = schedule.phase(at)
    if phase == Phase.NOT_OPEN:
        return f"It opens at {schedule.opens_at:%Y-%m-%d %H:%M} UTC."
    if phase == Phase.CLOSED:
        last = schedule.late_until or schedule.due_at
        return f"It was due at {schedule.due_at:%Y-%m-%d %H:%M} UTC and closed at {last:%Y-%m-%d %H:%M} UTC."
    if schedule.attempt_limit is not None and used >= schedule.attempt_limit:
        return f"You have used all {schedule.attempt_limit} attempts for this item."
    return None


# --- release policy (what a learner may see of their results) ------------------------------------


def feedback_released(
    assessment: Assessment, schedule: Schedule, at: datetime | None = None
) -> bool:
    """May the learner see verdicts, scores and feedback on this assessment's items now?"""
    past_due = schedule.due_at is not None and schedule.is_past_due(at)
    return feedback_shown(assessment.feedback, past_due)


def results_hidden(submission: Submission, viewer: User) -> bool:
    """Must the learner's own page hide this submission's verdict, score and feedback for now?

    Only an answer made inside an assessment whose feedback is not yet released; staff (any
    viewer but the learner) and runs of the visible examples see everything.
    """
    if submission.attempt.learner_id != viewer.pk:
        return False
    from courseware.exams import result_withheld  # exams builds on this module

    return result_withheld(submission)
