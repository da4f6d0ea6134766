"""Learner pages of an exam: the rules and the start button, the sitting (an overview of the
items, answered or not, and the time left), an item with its answer saved as a draft as the
learner types, and the learner's own "submit the exam"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from courseware import assessments, exams, ratelimits, scoring
from courseware.access import (
    SignedInRequest,
    assessment_in_course,
    item_in_assessment,
    membership_for,
)
from courseware.assessments import Schedule
from courseware.models import Assessment, AssessmentItem, Course, ExamSitting
from courseware.variants import current_item_attempt
from courseware.views import exercise_context


def exam_or_404(
    request: SignedInRequest, course_slug: str, assessment_slug: str
) -> tuple[Course, Assessment]:
    membership = membership_for(request.user, course_slug)
    assessment = assessment_in_course(membership.course, assessment_slug)
    if not exams.is_exam(assessment):
        raise Http404("No such exam.")
    return membership.course, assessment


def overview(sitting: ExamSitting, learner: User) -> list[dict[str, Any]]:
    """The learner's items in their order, each with its exercise and whether a draft holds an answer."""
    drafts = exams.drafts_of(sitting)
    items = assessments.items_for(sitting.assessment, learner)
    drawn = assessments.drawn_exercises(items, learner)
    return [
        {
            "number": number,
            "item": item,
            "exercise": drawn[item.pk],
            "answered": exams.answered(drafts.get(item.pk)),
        }
        for number, item in enumerate(items, 1)
    ]


def timer_context(sitting: ExamSitting) -> dict[str, Any]:
    return {
        "sitting": sitting,
        "seconds_left": exams.seconds_left(sitting),
        "grace_seconds": int(exams.grace().total_seconds()),
    }


def exam_page(request: SignedInRequest, course: Course, assessment: Assessment) -> HttpResponse:
    """The exam's page: its rules and the start button, the running sitting, or how it ended."""
    schedule = assessments.schedule_for(assessment, request.user)
    sitting = exams.sitting_of(assessment, request.user)
    if sitting is not None:
        exams.finalise_if_over(sitting)
    context: dict[str, Any] = {
        "course": course,
        "assessment": assessment,
        "schedule": schedule,
        "phase": schedule.phase(),
        "sitting": sitting,
    }
    if sitting is None:
        return rules_page(request, course, assessment)
    context["rows"] = overview(sitting, request.user)
    context.update(timer_context(sitting))
    if sitting.finished:
        context["released"] = exams.may_release_score(assessment, request.user)
        score = scoring.assessment_score(assessment, request.user)
        context["score"] = score
        if context["released"]:
            by_item = {s.item.pk: s for s in score.items}
            for row in context["rows"]:
                row["score"] = by_item[row["item"].pk]
    return render(request, "courseware/exam.html", context)


def rules_page(
    request: SignedInRequest,
    course: Course,
    assessment: Assessment,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The exam's rules and its start button (with why it was refused, if it was)."""
    schedule = assessments.schedule_for(assessment, request.user)
    context = {
        "course": course,
        "assessment": assessment,
        "schedule": schedule,
        "phase": schedule.phase(),
        "error": error,
    }
    return render(request, "courseware/exam_rules.html", context, status=status)


@login_required
@require_POST
def start_exam(request: SignedInRequest, course_slug: str, assessment_slug: str) -> HttpResponse:
    course, assessment = exam_or_404(request, course_slug, assessment_slug)
    try:
        sitting = exams.start(assessment, request.user, request.POST.get("access_code", ""))
    except exams.ExamRefused as refused:
        return rules_page(request, course, assessment, refused.message, status=409)
    first = assessments.items_for(assessment, request.user)
    if first and not sitting.finished:
        return redirect("item", course.slug, assessment.slug, first[0].pk)
    return redirect("assessment", course.slug, assessment.slug)


def exam_item_page(
    request: SignedInRequest, course: Course, item: AssessmentItem, schedule: Schedule
) -> HttpResponse:
    """An item of a running exam: the prompt and the answer form, saved as a draft as the learner
    types; no verdicts, hints, solutions or other variants. Before the start or after the end, the
    exam's page."""
    assessment = item.assessment
    sitting = exams.sitting_of(assessment, request.user)
    if sitting is None or exams.finalise_if_over(sitting):
        return redirect("assessment", course.slug, assessment.slug)
    exercise = assessments.drawn_exercise(item, request.user)
    attempt = current_item_attempt(request.user, item, exercise)
    context = exercise_context(course, attempt)
    rows = overview(sitting, request.user)
    position = next(i for i, row in enumerate(rows) if row["item"].pk == item.pk)
    args = [course.slug, assessment.slug, item.pk]
    draft = exams.drafts_of(sitting).get(item.pk)
    context.update(timer_context(sitting))
    context.update(
        {
            "assessment": assessment,
            "item": item,
            "schedule": schedule,
            "rows": rows,
            "current": rows[position],
            "previous": rows[position - 1] if position > 0 else None,
            "next": rows[position + 1] if position + 1 < len(rows) else None,
            "draft_fields": draft.fields if draft else {},
            "urls": {
                "draft": reverse("exam_draft", args=args),
                "finish": reverse("exam_finish", args=args[:2]),
            },
        }
    )
    return render(request, "courseware/exam_item.html", context)


@login_required
@require_POST
@ratelimits.limited("drafts")
def save_draft(
    request: SignedInRequest, course_slug: str, assessment_slug: str, item_id: int
) -> HttpResponse:
    """Keep the item's form as the learner's draft: 200 with the time left, or 409 with why not."""
    _, assessment = exam_or_404(request, course_slug, assessment_slug)
    item = item_in_assessment(assessment, item_id)
    sitting = exams.sitting_of(assessment, request.user)
    if sitting is None:
        return JsonResponse({"detail": "Start the exam first."}, status=409)
    try:
        draft = exams.save_draft(sitting, item, request.POST)
    except exams.ExamRefused as refused:
        return JsonResponse({"detail": refused.message, "ended": True}, status=409)
    return JsonResponse(
        {
            "saved_at": draft.saved_at.isoformat(),
            "answered": exams.answered(draft),
            "seconds_left": exams.seconds_left(sitting),
        }
    )


@login_required
@require_POST
def finish_exam(request: SignedInRequest, course_slug: str, assessment_slug: str) -> HttpResponse:
    """The learner hands the exam in before the end: their drafts are submitted now."""
    course, assessment = exam_or_404(request, course_slug, assessment_slug)
    sitting = exams.sitting_of(assessment, request.user)
    if sitting is None:
        return rules_page(request, course, assessment, "Start the exam first.", status=409)
    if not exams.finalise_if_over(sitting):
        exams.finalise(sitting, ExamSitting.Finish.SUBMITTED)
    return redirect("assessment", course.slug, assessment.slug)
