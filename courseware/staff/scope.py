"""What belongs to a course: its learners and their work.

A learner's work in a course is their attempts made in it, plus their attempts with no course
(made through the API) while they are a member: the API does not say which course it serves.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from courseware.models import Attempt, Course, Membership, Submission

SCOPE_HELP = (
    "A learner's work counts here when it was done in this course, or through the API "
    "(which names no course) while they are a member of it."
)


def learners_of(course: Course) -> QuerySet:
    """The course's learners (Membership role learner), by username."""
    return (
        get_user_model()
        .objects.filter(memberships__course=course, memberships__role=Membership.Role.LEARNER)
        .order_by("username")
    )


def attempts_in(course: Course) -> QuerySet:
    """Attempts by the course's learners made in it, or with no course."""
    learners = learners_of(course).values("pk")
    return Attempt.objects.filter(learner__in=learners).filter(
        Q(course=course) | Q(course__isnull=True)
    )


def submissions_in(course: Course) -> QuerySet:
    """Answers on the course's attempts ("run my tests" runs are not answers)."""
    return Submission.objects.filter(
        attempt__in=attempts_in(course).values("pk"), purpose=Submission.Purpose.ANSWER
    )
