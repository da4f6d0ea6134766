"""Learner pages of a course's assessments: the assessment with its items and scores, and an item
(the exercise page, under the assessment's rules)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from courseware import assessments, exam_views, exams, ratelimits, scoring
from courseware.access import (
    SignedInRequest,
    assessment_in_course,
    attempt_for,
    item_in_assessment,
    membership_for,
)
from courseware.assessments import Phase, Schedule
from courseware.attempt_page import page_parts
from courseware.grading.intake import run_examples, submit
from courseware.models import AssessmentItem, Course
from courseware.variants import current_item_attempt, new_attempt
from courseware.views import AnswerService, answer_response, exercise_context


@login_required
def assessment_page(
    request: SignedInRequest, course_slug: str, assessment_slug: str
) -> HttpResponse:
    membership = membership_for(request.user, course_slug)
    assessment = assessment_in_course(membership.course, assessment_slug)
    if exams.is_exam(assessment):
        return exam_views.exam_page(request, membership.course, assessment)
    schedule = assessments.schedule_for(assessment, request.user)
    phase = schedule.phase()
    released = assessments.feedback_released(assessment, schedule)
    score = scoring.assessment_score(assessment, request.user)
    by_item = {s.item.pk: s for s in score.items}
    items = assessments.items_for(assessment, request.user)
    drawn = assessments.drawn_exercises(items, request.user) if phase != Phase.NOT_OPEN else {}
    rows = [
        {"item": item, "exercise": drawn.get(item.pk), "score": by_item[item.pk]} for item in items
    ]
    context = {
        "course": membership.course,
        "assessment": assessment,
        "schedule": schedule,
        "phase": phase,
        "released": released,
        "score": score,
        "rows": rows,
    }
    return render(request, "courseware/assessment.html", context)


def open_item(
    request: SignedInRequest, course_slug: str, assessment_slug: str, item_id: int
) -> tuple[Course, AssessmentItem, Schedule]:
    """(course, item, the learner's schedule), or the page saying it is not open yet (403)."""
    membership = membership_for(request.user, course_slug)
    assessment = assessment_in_course(membership.course, assessment_slug)
    item = item_in_assessment(assessment, item_id)
    schedule = assessments.schedule_for(assessment, request.user)
    return membership.course, item, schedule


def not_open(
    request: SignedInRequest, course: Course, item: AssessmentItem, schedule: Schedule
) -> HttpResponse:
    context = {"course": course, "assessment": item.assessment, "schedule": schedule}
    return render(request, "courseware/assessment_not_open.html", context, status=403)


@login_required
def item_page(
    request: SignedInRequest, course_slug: str, assessment_slug: str, item_id: int
) -> HttpResponse:
    course, item, schedule = open_item(request, course_slug, assessment_slug, item_id)
    if schedule.phase() == Phase.NOT_OPEN:
        return not_open(request, course, item, schedule)
    assessment = item.assessment
    if exams.is_exam(assessment):
        return exam_views.exam_item_page(request, course, item, schedule)
    exercise = assessments.drawn_exercise(item, request.user)
    attempt = current_item_attempt(request.user, item, exercise)
    context = exercise_context(course, attempt)
    context.update(page_parts(attempt))
    args = [course.slug, assessment.slug, item.pk]
    context.update(
        {
            "assessment": assessment,
            "item": item,
            "schedule": schedule,
            "phase": schedule.phase(timezone.now()),
            "used": scoring.item_attempts_used(request.user, item),
            "urls": {
                "submit": reverse("item_submit", args=args),
                "run_tests": reverse("item_run_tests", args=args),
                "another_variant": reverse("item_another_variant", args=args),
            },
        }
    )
    return render(request, "courseware/exercise.html", context)


def item_answer(
    request: SignedInRequest,
    course_slug: str,
    assessment_slug: str,
    item_id: int,
    service: AnswerService,
) -> HttpResponse:
    course, item, schedule = open_item(request, course_slug, assessment_slug, item_id)
    if schedule.phase() == Phase.NOT_OPEN:
        return not_open(request, course, item, schedule)
    attempt = attempt_for(request.user, request.POST.get("attempt", 0) or 0, item=item)
    return answer_response(request, attempt, service)


@login_required
@require_POST
@ratelimits.limited("submit")
def item_submit(
    request: SignedInRequest, course_slug: str, assessment_slug: str, item_id: int
) -> HttpResponse:
    return item_answer(request, course_slug, assessment_slug, item_id, submit)


@login_required
@require_POST
@ratelimits.limited("submit")
def item_run_tests(
    request: SignedInRequest, course_slug: str, assessment_slug: str, item_id: int
) -> HttpResponse:
    """ "Run my tests" on the item's variant: the visible examples; not an attempt."""
    return item_answer(request, course_slug, assessment_slug, item_id, run_examples)


@login_required
@require_POST
def item_another_variant(
    request: SignedInRequest, course_slug: str, assessment_slug: str, item_id: int
) -> HttpResponse:
    course, item, schedule = open_item(request, course_slug, assessment_slug, item_id)
    if schedule.phase() == Phase.NOT_OPEN:
        return not_open(request, course, item, schedule)
    if exams.is_exam(item.assessment):
        context = {"error": "An exam item has one variant: it cannot be changed."}
        return render(request, "courseware/_answer_error.html", context, status=409)
    exercise = assessments.drawn_exercise(item, request.user)
    new_attempt(request.user, exercise, course, item=item)
    return redirect(
        "item", course_slug=course.slug, assessment_slug=item.assessment.slug, item_id=item.pk
    )
