"""Attempts: a learner's variant of an exercise, its seed and the parameters drawn from it."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, QuerySet

from courseware import ratelimits
from courseware.grading.definitions import definition_for
from courseware.models import AssessmentItem, Attempt, Course, Exercise, ExerciseVersion
from grader.params import SEED_BITS, draw_params
from grader.spec import ExerciseDef
from tangent.prepared import Prepared

TOO_MANY_ATTEMPTS = "You have drawn many variants of this exercise; try again in {wait}."


def _seed(*parts: object) -> int:
    """A seed in [0, 2^53) from the salt and `parts`."""
    text = ":".join([str(settings.VARIANT_SALT), *map(str, parts)])
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big") >> (64 - SEED_BITS)


def derive_seed(exercise_slug: str, learner_id: int, attempt_number: int) -> int:
    """A seed in [0, 2^53) from the learner, the exercise and the attempt number."""
    return _seed(exercise_slug, learner_id, attempt_number)


def table_seed(exercise_slug: str, index: int) -> int:
    """The seed of variant `index` in a table of an exercise's variants printed outside Tangent
    (an Open edX problem that shows each learner one row): the same for every learner."""
    return _seed(exercise_slug, "table", index)


def params_for(version: ExerciseVersion, seed: int) -> dict[str, Any]:
    """The parameters a seed draws for an exercise version."""
    return draw_params(version.spec.get("params", {}), seed, version.spec.get("redraw_if"))


def new_attempt(
    learner: User,
    exercise: Exercise,
    course: Course | None = None,
    seed: int | None = None,
    item: AssessmentItem | None = None,
) -> Attempt:
    """A fresh variant on the exercise's current version; `seed` only for staff and tests.

    Every attempt is made here, so here is the bound on how fast a learner may draw them:
    RateLimited past RATE_LIMITS "attempts" (a minute) or "attempts-day" for this exercise.
    """
    actor = f"{learner.pk}:{exercise.pk}"
    for limit in ("attempts", "attempts-day"):
        ratelimits.enforce(limit, actor, TOO_MANY_ATTEMPTS)
    with transaction.atomic():
        last = Attempt.objects.filter(
            learner=learner, exercise_version__exercise=exercise
        ).aggregate(n=Max("number"))
        number = (last["n"] or 0) + 1
        if seed is None:
            seed = derive_seed(exercise.slug, learner.pk, number)
        version = exercise.version
        return Attempt.objects.create(
            learner=learner,
            course=course,
            exercise_version=version,
            number=number,
            seed=seed,
            params=params_for(version, seed),
            assessment_item=item,
        )


def _attempts(
    learner: User | int, course: Course | int | None, in_course_only: bool
) -> QuerySet[Attempt]:
    attempts = Attempt.objects.filter(learner=learner)
    return attempts.filter(course=course) if in_course_only else attempts


_LATEST_ATTEMPT = Prepared(
    lambda learner, exercise, course, in_course_only: (
        _attempts(learner, course, in_course_only)
        .filter(exercise_version__exercise=exercise)
        .select_related("exercise_version")
        .order_by("-number")[:1]
    )
)


def current_attempt(
    learner: User,
    exercise: Exercise,
    course: Course | None = None,
    *,
    in_course_only: bool = False,
) -> Attempt:
    """The learner's latest variant of the exercise, created (in `course`) on first visit.

    With `in_course_only`, only an attempt made in `course` (None: outside any course) counts:
    the API keeps a course key's work in its course.
    """
    course_id = course.pk if course is not None and in_course_only else None  # else unread
    attempt = _LATEST_ATTEMPT.first(learner.pk, exercise.pk, course_id, in_course_only)
    return holding(attempt or new_attempt(learner, exercise, course), learner, exercise)


def holding(attempt: Attempt, learner: User, exercise: Exercise | None = None) -> Attempt:
    """The attempt holding its learner and exercise as the caller has them (its page and its
    checks read them), instead of reading them again."""
    attempt.learner = learner
    if exercise is not None and attempt.exercise_version.exercise_id == exercise.pk:
        attempt.exercise_version.exercise = exercise
    return attempt


def current_item_attempt(learner: User, item: AssessmentItem, exercise: Exercise) -> Attempt:
    """The learner's latest variant drawn for an assessment item, created on first visit."""
    attempt = (
        Attempt.objects.filter(learner=learner, assessment_item=item)
        .select_related("exercise_version")
        .order_by("-number")
        .first()
    )
    if attempt is None:
        return new_attempt(learner, exercise, item.assessment.course, item=item)
    return holding(attempt, learner, exercise)


def attempt_with_seed(
    learner: User,
    exercise: Exercise,
    seed: int,
    course: Course | None = None,
    *,
    in_course_only: bool = False,
) -> Attempt:
    """The learner's attempt on the current version with this seed (staff-chosen), created if needed."""
    existing = (
        _attempts(learner, course, in_course_only)
        .filter(exercise_version=exercise.current_version, seed=seed)
        .first()
    )
    return existing or new_attempt(learner, exercise, course, seed=seed)


def definition_of(attempt: Attempt) -> ExerciseDef:
    return definition_for(attempt.exercise_version)
