"""What belongs to a course: its learners and their work.

A learner's work in a course is their attempts made in it, plus their attempts with no course
(made through the API) while they are a member: the API does not say which course it serves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from courseware.models import Attempt, Course, Membership, Submission

SCOPE_HELP = (
    "A learner's work counts here when it was done in this course, or through the API "
    "(which names no course) while they are a member of it."
)


def learners_of(course: Course) -> QuerySet[User]:
    """The course's learners (Membership role learner), by username."""
    return (
        get_user_model()
        .objects.filter(memberships__course=course, memberships__role=Membership.Role.LEARNER)
        .order_by("username")
    )


def _made_in(course: Course, attempt: str = "", among: Iterable[int] | None = None) -> Q:
    """Work by the course's learners (those of them `among` the given ids) made in it, or with no
    course (`attempt`: the path to the attempt, for a model that points at one)."""
    learners = learners_of(course) if among is None else learners_of(course).filter(pk__in=among)
    return Q(**{f"{attempt}learner__in": learners.values("pk")}) & (
        Q(**{f"{attempt}course": course}) | Q(**{f"{attempt}course__isnull": True})
    )


def attempts_in(course: Course) -> QuerySet[Attempt]:
    """Attempts by the course's learners made in it, or with no course."""
    return Attempt.objects.filter(_made_in(course))


def submissions_in(course: Course, among: Iterable[int] | None = None) -> QuerySet[Submission]:
    """Answers on the course's attempts ("run my tests" runs are not answers), of the learners
    `among` the given ids if given; checked on the answer's own attempt (one join, not a second
    scan of the attempts: the gradebook sums a course's answers)."""
    return Submission.objects.filter(
        _made_in(course, "attempt__", among), purpose=Submission.Purpose.ANSWER
    )
