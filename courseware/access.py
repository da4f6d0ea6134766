"""Who may see what. Denial is a 404 for things a user may not know exist."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from courseware.models import (
    Assessment,
    AssessmentItem,
    Attempt,
    Course,
    Exercise,
    Membership,
    Submission,
)
from courseware.variants import holding
from tangent.prepared import Prepared


class SignedInRequest(HttpRequest):
    """A request to a page that `login_required` guards: its user is signed in."""

    user: User


_MEMBERSHIPS = Prepared(
    lambda user_id: Membership.objects.filter(user_id=user_id).select_related("course")
)
_SUBMISSION = Prepared(
    lambda pk: Submission.objects.select_related("grading", "attempt__exercise_version").filter(
        pk=pk
    )[:1]
)
_LIVE_EXERCISE = Prepared(
    lambda slug: Exercise.objects.select_related("module", "current_version").filter(
        slug=slug, retired=False
    )[:1]
)


def _learners_attempt(
    attempt_id: int, learner_id: int, item_id: int | None, exercise_id: int | None
) -> QuerySet[Attempt]:
    attempts = Attempt.objects.select_related("exercise_version").filter(
        pk=attempt_id, learner_id=learner_id
    )
    if item_id is not None:
        return attempts.filter(assessment_item_id=item_id)[:1]
    assert exercise_id is not None, "an attempt on an exercise or on an assessment item"
    return attempts.filter(exercise_version__exercise_id=exercise_id)[:1]


_LEARNERS_ATTEMPT = Prepared(_learners_attempt)
IDS = range(1, 2**63)  # the primary keys a row may have


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their courses, read once per request: a page asks twice (its
    course, and the navigation's Staff link), and Django builds the user afresh for every request,
    so the list is kept on the user object."""
    found: list[Membership] | None = getattr(user, "_memberships", None)
    if found is None:
        found = _MEMBERSHIPS(user.pk)
        setattr(user, "_memberships", found)  # noqa: B010 - User declares no such attribute
    return found


def membership_for(user: User, course_slug: str) -> Membership:
    """The user's membership of the course (learner or staff), or 404."""
    membership = next((m for m in memberships_of(user) if m.course.slug == course_slug), None)
    if membership is None:
        raise Http404("No such course.")
    return membership


def live_exercise(slug: str) -> Exercise | None:
    """The exercise of the bank with this slug, with its module and current version, unless it is
    retired."""
    return _LIVE_EXERCISE.first(slug)


def exercise_in_course(course: Course, exercise_slug: str) -> Exercise:
    """A live exercise of the bank (every course offers the whole bank), or 404."""
    exercise = live_exercise(exercise_slug)
    if exercise is None:
        raise Http404("No such exercise.")
    return exercise


def attempt_for(
    user: User,
    attempt_id: Any,
    exercise: Exercise | None = None,
    item: AssessmentItem | None = None,
) -> Attempt:
    """The user's attempt on the exercise, or drawn for the assessment item (the id comes from a
    form, so anything may arrive), or 404."""
    try:
        attempt_id = int(attempt_id)
    except (TypeError, ValueError):
        raise Http404("No such attempt.") from None
    attempt = None
    if attempt_id in IDS:
        attempt = _LEARNERS_ATTEMPT.first(
            attempt_id, user.pk, item.pk if item else None, exercise.pk if exercise else None
        )
    if attempt is None:
        raise Http404("No such attempt.")
    return holding(attempt, user, exercise)


def submission_for(user: User, submission_id: int) -> Submission:
    """A submission the user may see: their own, or one in a course they are staff of; else 404."""
    submission = _SUBMISSION.first(submission_id) if submission_id in IDS else None
    if submission is None:
        raise Http404("No such submission.")
    if submission.attempt.learner_id == user.pk:
        holding(submission.attempt, user)
        return submission
    course = submission.attempt.course_id
    if (
        course
        and Membership.objects.filter(
            user=user, course_id=course, role=Membership.Role.STAFF
        ).exists()
    ):
        return submission
    raise Http404("No such submission.")


def assessment_in_course(course: Course, assessment_slug: str) -> Assessment:
    """One of the course's assessments, or 404 (another course's slug finds nothing)."""
    assessment = course.assessments.filter(slug=assessment_slug).first()
    if assessment is None:
        raise Http404("No such assessment.")
    return assessment


def item_in_assessment(assessment: Assessment, item_id: int) -> AssessmentItem:
    item = assessment.items.filter(pk=item_id).select_related("assessment__course").first()
    if item is None:
        raise Http404("No such item.")
    return item


def may_create_courses(user: User | AnonymousUser) -> bool:
    """Instructors (staff of any course) and users granted "add course" may start a course."""
    if not user.is_authenticated:
        return False
    if user.has_perm("courseware.add_course"):
        return True
    return any(m.role == Membership.Role.STAFF for m in memberships_of(user))
