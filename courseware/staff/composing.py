"""Composing an assessment from the bank: finding exercises, adding them as items or pools,
ordering items and setting their points. Every change is written to the audit log."""

from __future__ import annotations

import math

from django.contrib.auth.models import User
from django.db import transaction

from courseware import assessments, audit
from courseware.audit import Action
from courseware.models import Assessment, AssessmentItem, Exercise, Module


class CompositionRefused(Exception):
    pass


def checked_points(points: float) -> float:
    if not math.isfinite(points) or points < 0:
        raise CompositionRefused("Points must be a number, 0 or more.")
    return points


def search_bank(
    module: Module | None = None, topic: str = "", kind: str = "", text: str = ""
) -> list[Exercise]:
    """Live exercises of the bank matching every criterion given (the bank is small: read whole)."""
    exercises = Exercise.objects.filter(retired=False).select_related("module", "current_version")
    if module is not None:
        exercises = exercises.filter(module=module)
    topic, text = topic.strip().lower(), text.strip().lower()
    found = []
    for exercise in exercises.order_by("module__order", "slug"):
        spec = exercise.current_version.spec if exercise.current_version else {}
        tags = [t.lower() for t in spec.get("tags", [])]
        kinds = [part.get("kind") for part in spec.get("parts", [])]
        if topic and not any(topic in t for t in tags):
            continue
        if kind and kind not in kinds:
            continue
        if text and text not in exercise.title.lower() and text not in exercise.slug:
            continue
        found.append(exercise)
    return found


def add_exercises(
    assessment: Assessment, actor: User, exercises: list[Exercise], points: float, as_pool: bool
) -> list[AssessmentItem]:
    """One item per exercise, or one item drawing from all of them (`as_pool`)."""
    if not exercises:
        raise CompositionRefused("Choose at least one exercise.")
    checked_points(points)
    with transaction.atomic():
        groups = [exercises] if as_pool else [[e] for e in exercises]
        items = [assessments.add_item(assessment, group, points) for group in groups]
        audit.record(
            assessment.course,
            actor,
            Action.ITEMS_CHANGED,
            assessment=assessment,
            added=[[e.slug for e in group] for group in groups],
            points=points,
        )
    return items


def renumber(assessment: Assessment) -> list[AssessmentItem]:
    items = list(assessment.items.order_by("position", "pk"))
    for index, item in enumerate(items):
        if item.position != index:
            item.position = index
            item.save(update_fields=["position"])
    return items


def move(item: AssessmentItem, actor: User, step: int) -> None:
    """Move an item one place up (step -1) or down (+1)."""
    with transaction.atomic():
        items = renumber(item.assessment)
        index = next(i for i, it in enumerate(items) if it.pk == item.pk)
        other = index + step
        if not 0 <= other < len(items):
            return
        items[index].position, items[other].position = other, index
        for it in (items[index], items[other]):
            it.save(update_fields=["position"])
        audit.record(
            item.assessment.course,
            actor,
            Action.ITEMS_CHANGED,
            assessment=item.assessment,
            moved=item.pk,
            to=other,
        )


def set_points(item: AssessmentItem, actor: User, points: float) -> None:
    checked_points(points)
    before = item.points
    item.points = points
    item.save(update_fields=["points"])
    audit.record(
        item.assessment.course,
        actor,
        Action.ITEMS_CHANGED,
        assessment=item.assessment,
        item=item.pk,
        points_before=before,
        points=points,
    )


def remove(item: AssessmentItem, actor: User) -> None:
    """Remove an item nobody has answered; one with answers would take grades with it."""
    if item.attempts.exists():
        raise CompositionRefused(
            "Learners have already worked on this item: it cannot be removed (set its points to 0 instead)."
        )
    assessment = item.assessment
    slugs = [e.slug for e in item.exercises.all()]
    with transaction.atomic():
        item.delete()
        renumber(assessment)
        audit.record(
            assessment.course, actor, Action.ITEMS_CHANGED, assessment=assessment, removed=slugs
        )
