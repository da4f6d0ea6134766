"""Who may use the staff pages: the course's staff members only; everyone else gets a 404."""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.http import Http404
from django.http.response import HttpResponseBase

from courseware.access import SignedInRequest, memberships_of
from courseware.models import Course, Membership

Params = ParamSpec("Params")


def staff_course(user: User, course_slug: str) -> Course:
    """The course if the user is one of its staff; a 404 for learners, other courses' staff, anyone."""
    membership = (
        Membership.objects.select_related("course")
        .filter(user=user, course__slug=course_slug, role=Membership.Role.STAFF)
        .first()
    )
    if membership is None:
        raise Http404("No such page.")
    return membership.course


def staff_only(
    view: Callable[Concatenate[SignedInRequest, Course, Params], HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Login required, then the course's staff only; the view receives the Course, not its slug
    (which the URL passes by name)."""

    @login_required
    def guarded(
        request: SignedInRequest, course_slug: str, *args: Params.args, **kwargs: Params.kwargs
    ) -> HttpResponseBase:
        return view(request, staff_course(request.user, course_slug), *args, **kwargs)

    guarded.__name__ = view.__name__
    guarded.__doc__ = view.__doc__
    return guarded


def staffed_courses(user: User | AnonymousUser) -> list[Course]:
    """The courses this user is staff of (for the navigation's Staff link)."""
    if not user.is_authenticated:
        return []
    staffed = [m.course for m in memberships_of(user) if m.role == Membership.Role.STAFF]
    return sorted(staffed, key=lambda course: course.title)
