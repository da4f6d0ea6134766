"""Who may use the staff pages: the course's staff members only; everyone else gets a 404."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404

from courseware.access import memberships_of
from courseware.models import Course, Membership


def staff_course(user, course_slug: str) -> Course:
    """The course if the user is one of its staff; a 404 for learners, other courses' staff, anyone."""
    membership = (
        Membership.objects.select_related("course")
        .filter(user=user, course__slug=course_slug, role=Membership.Role.STAFF)
        .first()
    )
    if membership is None:
        raise Http404("No such page.")
    return membership.course


def staff_only(view):
    """Login required, then the course's staff only; the view receives the Course, not its slug."""

    @login_required
    def guarded(request, course_slug, *args, **kwargs):
        return view(request, staff_course(request.user, course_slug), *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def staffed_courses(user) -> list[Course]:
    """The courses this user is staff of (for the navigation's Staff link)."""
    if not user.is_authenticated:
        return []
    staffed = [m.course for m in memberships_of(user) if m.role == Membership.Role.STAFF]
    return sorted(staffed, key=lambda course: course.title)
