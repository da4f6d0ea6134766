"""Staff pages of a course's assessments: list and create, compose from the bank, schedule and
policy, per-learner exceptions, grades (with CSV) and the audit log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from courseware import audit
from courseware.access import SignedInRequest
from courseware.audit import Action
from courseware.models import Assessment, AssessmentException, AuditEntry, Course
from courseware.staff import composing, extensions, grades
from courseware.staff.access import staff_only
from courseware.staff.assessment_forms import (
    AddItemsForm,
    AssessmentForm,
    BankSearchForm,
    ExceptionForm,
    ItemChangeForm,
    NewAssessmentForm,
)
from courseware.staff.forms import error_text
from courseware.staff.scope import learners_of


def _assessment(course: Course, slug: str) -> Assessment:
    """The course's own assessment, or 404 (another course's is not found here)."""
    assessment: Assessment = get_object_or_404(course.assessments, slug=slug)
    return assessment


@staff_only
def assessment_list(request: SignedInRequest, course: Course) -> HttpResponse:
    """The course's assessments, and a form for a new one."""
    form = NewAssessmentForm(request.POST or None, course=course)
    if request.method == "POST" and form.is_valid():
        form.instance.course = course
        form.instance.position = course.assessments.count()
        assessment = form.save()
        audit.record(
            course, request.user, Action.ASSESSMENT_CHANGED, assessment=assessment, created=True
        )
        messages.success(request, f"“{assessment.title}” created: now add its items.")
        return redirect(
            "staff:assessment", course_slug=course.slug, assessment_slug=assessment.slug
        )
    context = {
        "course": course,
        "assessments": course.assessments.prefetch_related("items"),
        "form": form,
        "tab": "assessments",
    }
    return render(request, "staff/assessments.html", context, status=400 if form.errors else 200)


def _changes(form: forms.BaseForm) -> dict[str, Any]:
    """The changed fields of a settings form, JSON-able, for the audit log."""
    return {
        name: (value.isoformat() if hasattr(value, "isoformat") else value)
        for name, value in form.cleaned_data.items()
        if name in form.changed_data
    }


@staff_only
def assessment_edit(request: SignedInRequest, course: Course, assessment_slug: str) -> HttpResponse:
    """Settings (schedule, policy), items (order, points, pools) and the bank to add from."""
    assessment = _assessment(course, assessment_slug)
    form = AssessmentForm(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        form.save()
        audit.record(
            course, request.user, Action.ASSESSMENT_CHANGED, assessment=assessment, **_changes(form)
        )
        messages.success(request, "Settings saved.")
        return redirect(
            "staff:assessment", course_slug=course.slug, assessment_slug=assessment.slug
        )
    search = BankSearchForm(request.GET or None)
    found = (
        composing.search_bank(**search.cleaned_data)
        if search.is_valid()
        else composing.search_bank()
    )
    context = {
        "course": course,
        "assessment": assessment,
        "form": form,
        "items": assessment.items.prefetch_related("pool__exercise"),
        "search": search,
        "found": found,
        "tab": "assessments",
    }
    return render(request, "staff/assessment.html", context, status=400 if form.errors else 200)


def _back(course: Course, assessment: Assessment) -> HttpResponseRedirect:
    return redirect(f"/courses/{course.slug}/staff/assessments/{assessment.slug}/#items")


def _not_changed(
    request: SignedInRequest, course: Course, assessment: Assessment, message: str
) -> HttpResponse:
    context = {"course": course, "assessment": assessment, "message": message, "tab": "assessments"}
    return render(request, "staff/_not_changed.html", context, status=422)


@staff_only
@require_POST
def add_items(request: SignedInRequest, course: Course, assessment_slug: str) -> HttpResponse:
    """Add the chosen exercises: one item each, or one pool (`pool=on`) with the given points."""
    assessment = _assessment(course, assessment_slug)
    form = AddItemsForm(request.POST)
    if not form.is_valid():
        return _not_changed(request, course, assessment, error_text(form))
    exercises = list(form.cleaned_data["exercise"])
    try:
        composing.add_exercises(
            assessment,
            request.user,
            exercises,
            form.cleaned_data["points"],
            form.cleaned_data["pool"],
        )
    except composing.CompositionRefused as refused:
        return _not_changed(request, course, assessment, str(refused))
    messages.success(request, f"Added {len(exercises)} exercise(s).")
    return _back(course, assessment)


@staff_only
@require_POST
def change_item(
    request: SignedInRequest, course: Course, assessment_slug: str, item_id: int
) -> HttpResponse:
    """Move an item (`move=up|down`), set its points, or remove it (`remove`)."""
    assessment = _assessment(course, assessment_slug)
    item = get_object_or_404(assessment.items, pk=item_id)
    form = ItemChangeForm(request.POST)
    if not form.is_valid():
        return _not_changed(request, course, assessment, error_text(form))
    change = form.cleaned_data
    try:
        if change["move"]:
            composing.move(item, request.user, -1 if change["move"] == "up" else 1)
        elif change["remove"]:
            composing.remove(item, request.user)
        else:
            composing.set_points(item, request.user, change["points"])
    except composing.CompositionRefused as refused:
        return _not_changed(request, course, assessment, str(refused))
    return _back(course, assessment)


@staff_only
def exception_list(request: SignedInRequest, course: Course, assessment_slug: str) -> HttpResponse:
    """The assessment's exceptions, and a form to grant one."""
    assessment = _assessment(course, assessment_slug)
    form = ExceptionForm(request.POST or None, learners=learners_of(course), assessment=assessment)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "learner"}
        learner = form.cleaned_data["learner"]
        extensions.grant(assessment, request.user, learner, **fields)
        messages.success(
            request, f"Exception saved for {learner.get_full_name() or learner.username}."
        )
        return redirect(
            "staff:exceptions", course_slug=course.slug, assessment_slug=assessment.slug
        )
    context = {
        "course": course,
        "assessment": assessment,
        "exceptions": assessment.exceptions.select_related("learner", "created_by").order_by(
            "learner__username"
        ),
        "form": form,
        "tab": "assessments",
    }
    return render(request, "staff/exceptions.html", context, status=400 if form.errors else 200)


@staff_only
@require_POST
def exception_remove(
    request: SignedInRequest, course: Course, assessment_slug: str, exception_id: int
) -> HttpResponse:
    assessment = _assessment(course, assessment_slug)
    exception = get_object_or_404(AssessmentException, pk=exception_id, assessment=assessment)
    extensions.revoke(exception, request.user)
    messages.success(request, "Exception removed.")
    return redirect("staff:exceptions", course_slug=course.slug, assessment_slug=assessment.slug)


@staff_only
def grades_page(
    request: SignedInRequest, course: Course, assessment_slug: str | None = None
) -> HttpResponse:
    """Learners × assessments (weighted total), or × one assessment's items."""
    assessment = _assessment(course, assessment_slug) if assessment_slug else None
    book = grades.build(course, assessment)
    context = {"course": course, "assessment": assessment, "book": book, "tab": "grades"}
    return render(request, "staff/grades.html", context)


@staff_only
def grades_csv(request: SignedInRequest, course: Course) -> HttpResponse:
    """The grades (or one assessment's items with ?assessment=) as CSV."""
    slug = request.GET.get("assessment")
    assessment = _assessment(course, slug) if slug else None
    book = grades.build(course, assessment)
    response = HttpResponse(grades.as_csv(book), content_type="text/csv; charset=utf-8")
    name = f"{course.slug}-{assessment.slug if assessment else 'grades'}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@staff_only
def audit_log(request: SignedInRequest, course: Course) -> HttpResponse:
    """Every grade-changing staff action in the course, newest first."""
    entries = AuditEntry.objects.filter(course=course).select_related(
        "actor", "assessment", "learner"
    )[:500]
    return render(
        request, "staff/audit.html", {"course": course, "entries": entries, "tab": "audit"}
    )
