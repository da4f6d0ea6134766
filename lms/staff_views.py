"""Course staff's LMS page: where scores stand with the gradebook, and the roster sync."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from courseware.access import SignedInRequest, membership_for
from courseware.models import Course, Membership
from lms import roster
from lms.models import LtiCourse, ScoreSync


def staff_course(user: User, course_slug: str) -> Course:
    """The course if `user` is on its staff; 404 otherwise (learners may not know the page exists)."""
    membership = membership_for(user, course_slug)
    if membership.role != Membership.Role.STAFF:
        raise Http404("No such course.")
    return membership.course


@login_required
@require_GET
def lms_page(request: SignedInRequest, course_slug: str) -> HttpResponse:
    """Score syncs (newest first) and the LMS contexts of a course."""
    course = staff_course(request.user, course_slug)
    syncs = (
        ScoreSync.objects.filter(line__course=course)
        .select_related("line__learner", "line__exercise", "line__quiz")
        .order_by("-created_at")[:200]
    )
    contexts = LtiCourse.objects.filter(course=course).select_related("context")
    return render(
        request,
        "lms/staff_lms.html",
        {"course": course, "syncs": syncs, "contexts": contexts},
    )


@login_required
@require_POST
def sync_roster(request: SignedInRequest, course_slug: str) -> HttpResponse:
    """Fetch every linked context's roster from the platform and enrol its members."""
    course = staff_course(request.user, course_slug)
    links = LtiCourse.objects.filter(course=course).select_related("context__deployment")
    for link in links:
        try:
            count = roster.sync(link.context, course)
        except roster.RosterUnavailable as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Roster synced: {count} members.")
    if not links:
        messages.error(request, "This course is not linked to an LMS course.")
    return redirect("lti:staff", course_slug=course.slug)
