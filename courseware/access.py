"""Who may see what. Denial is a 404 for things a user may not know exist."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser, User
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


class SignedInRequest(HttpRequest):
    """A request to a page that `login_required` guards: its user is signed in."""

    user: User


def memberships_of(user: User) -> list[Membership]:
    """The user's memberships with their courses, read once per request: a page asks twice (its
    course, and the navigation's Staff link), and Django builds the user afresh for every request,
    so the list is kept on the user object."""
    found: list[Membership] | None = getattr(user, "_memberships", None)
    if found is None:
        found = list(Membership.objects.filter(user=user).select_related("course"))
        setattr(user, "_memberships", found)  # noqa: B010 - User declares no such attribute
    return found


def membership_for(user: User, course_slug: str) -> Membership:
    """The user's membership of the course (learner or staff), or 404."""
    membership = next((m for m in memberships_of(user) if m.course.slug == course_slug), None)
    if membership is None:
        raise Http404("No such course.")
    return membership


def exercise_in_course(course: Course, exercise_slug: str) -> Exercise:
    """A live exercise of the bank (every course offers the whole bank), or 404."""
    exercise = (
        Exercise.objects.select_related("module", "current_version")
        .filter(slug=exercise_slug, retired=False)
        .first()
    )
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
    attempts = Attempt.objects.select_related("exercise_version").filter(
        pk=attempt_id, learner=user
    )
    if item is not None:
        attempts = attempts.filter(assessment_item=item)
    else:
        attempts = attempts.filter(exercise_version__exercise=exercise)
    attempt = attempts.first()
    if attempt is None:
        raise Http404("No such attempt.")
    return holding(attempt, user, exercise)


def submission_for(user: User, submission_id: int) -> Submission:
    """A submission the user may see: their own, or one in a course they are staff of; else 404."""
    submission = (
        Submission.objects.select_related("grading", "attempt__exercise_version")
        .filter(pk=submission_id)
        .first()
    )
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
