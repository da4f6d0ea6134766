"""Staff's live view of an exam: who started, who handed in, the time each has left and their
accommodation; staff end one learner's exam or give them more time (both in the audit log)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courseware import assessments, exams
from courseware.access import SignedInRequest
from courseware.models import Assessment, Course, ExamSitting
from courseware.staff.access import staff_only
from courseware.staff.forms import ExtendForm, error_text
from courseware.staff.scope import learners_of


def _exam(course: Course, slug: str) -> Assessment:
    exam: Assessment = get_object_or_404(course.assessments, slug=slug, kind=Assessment.Kind.EXAM)
    return exam


def live_rows(assessment: Assessment, learners: Iterable[User]) -> list[dict[str, Any]]:
    """One row per learner: their schedule (accommodation applied) and their sitting, if any."""
    learners = list(learners)
    schedules = assessments.schedules_for(assessment, learners)
    sittings = {s.learner_id: s for s in ExamSitting.objects.filter(assessment=assessment)}
    rows = []
    for learner in learners:
        sitting = sittings.get(learner.pk)
        if sitting is not None:
            exams.finalise_if_over(sitting)
        schedule = schedules[learner.pk]
        if sitting is None:
            state = "not started"
        elif sitting.finished:
            state = sitting.get_finish_display()
        else:
            state = "in progress"
        rows.append(
            {
                "learner": learner,
                "schedule": schedule,
                "sitting": sitting,
                "state": state,
                "seconds_left": exams.seconds_left(sitting) if sitting else None,
            }
        )
    return rows


@staff_only
def live_page(request: SignedInRequest, course: Course, assessment_slug: str) -> HttpResponse:
    exam = _exam(course, assessment_slug)
    rows = live_rows(exam, learners_of(course))
    counts = {
        "started": sum(1 for r in rows if r["sitting"]),
        "running": sum(1 for r in rows if r["state"] == "in progress"),
        "finished": sum(1 for r in rows if r["sitting"] and r["sitting"].finished),
    }
    context = {
        "course": course,
        "assessment": exam,
        "rows": rows,
        "counts": counts,
        "tab": "assessments",
    }
    return render(request, "staff/exam_live.html", context)


def _sitting(exam: Assessment, sitting_id: int) -> ExamSitting:
    return get_object_or_404(ExamSitting, pk=sitting_id, assessment=exam)


def _back_to_live(course: Course, exam: Assessment) -> HttpResponseRedirect:
    return redirect("staff:exam_live", course_slug=course.slug, assessment_slug=exam.slug)


@staff_only
@require_POST
def end_sitting(
    request: SignedInRequest, course: Course, assessment_slug: str, sitting_id: int
) -> HttpResponse:
    exam = _exam(course, assessment_slug)
    sitting = _sitting(exam, sitting_id)
    try:
        exams.end_now(sitting, request.user)
    except exams.ExamRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "The learner's exam was ended and their answers submitted.")
    return _back_to_live(course, exam)


@staff_only
@require_POST
def extend_sitting(
    request: SignedInRequest, course: Course, assessment_slug: str, sitting_id: int
) -> HttpResponse:
    exam = _exam(course, assessment_slug)
    sitting = _sitting(exam, sitting_id)
    form = ExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return _back_to_live(course, exam)
    minutes = form.cleaned_data["minutes"]
    try:
        exams.extend(sitting, minutes, request.user)
    except exams.ExamRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"{minutes} more minutes given: the exam now ends at {sitting.ends_at:%H:%M:%S} UTC.",
        )
    return _back_to_live(course, exam)
