"""The exam API: an LMS or API client starts a learner's exam and sends their answers to its items.

The server's rules are the page's (courseware.exams): the sitting's end is fixed at start, answers
after it (plus the grace for answers in flight) are refused with 409 and the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.http import JsonResponse
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from api.access import ApiRequest, acting_learner, require_scope
from api.parsing import Input, LearnerRef, Slug
from api.problems import BODY, KEYED, answer_refused, documented, problem
from api.submissions import Queued, created
from courseware import assessments, exams
from courseware.access import item_in_assessment
from courseware.grading.intake import SubmissionRefused, submit
from courseware.models import Assessment, Course, Membership
from courseware.rendering import render_markdown
from courseware.variants import current_item_attempt, definition_of
from grader.results import AnswerTooLarge, InvalidAnswer
from lms.models import ApiKey

router = Router(tags=["exams"])


class StartIn(Input):
    learner: LearnerRef | None = None
    access_code: str = Field("", max_length=100)


class ExamItemOut(Schema):
    id: int
    position: int
    points: float
    exercise: str
    title: str
    attempt: int
    prompt: str


class StartOut(Schema):
    assessment: str
    started_at: str
    ends_at: str
    seconds_left: int
    finished: bool
    items: list[ExamItemOut]


class ExamAnswerIn(Input):
    learner: LearnerRef | None = None
    answer: dict[str, Any] = Field(
        min_length=1, description="The answer, as POST /submissions takes it."
    )


class ExamAnswerCreated(Queued):
    assessment: str
    item: int


def _exam(request: ApiRequest, course_slug: str, slug: str) -> tuple[Course, Assessment]:
    """The course's exam, for a key of that course (or a user key of one of its members)."""
    principal = require_scope(request, ApiKey.Scope.SUBMIT)
    course = Course.objects.filter(slug=course_slug).first()
    if principal.course is not None:
        allowed = principal.course == course
    else:
        allowed = course is not None and (
            principal.operator
            or Membership.objects.filter(user=principal.user, course=course).exists()
        )
    if course is None or not allowed:
        raise HttpError(404, f"No course {course_slug!r} for this key.")
    assessment = course.assessments.filter(slug=slug, kind=Assessment.Kind.EXAM).first()
    if assessment is None:
        raise HttpError(404, f"No exam {slug!r} in course {course_slug!r}.")
    return course, assessment


def _learner(request: ApiRequest, course: Course, ref: str | None) -> User:
    learner = acting_learner(request, ref)
    if not Membership.objects.filter(user=learner, course=course).exists():
        raise HttpError(404, f"No learner {ref or 'me'!r} in course {course.slug!r}.")
    return learner


@router.post(
    "/courses/{course}/assessments/{slug}/start",
    response={200: StartOut},
    openapi_extra=documented(*KEYED, *BODY, 404, 409),
)
def start_exam(
    request: ApiRequest, course: Slug, slug: Slug, payload: StartIn
) -> dict[str, Any] | JsonResponse:
    """Start the learner's exam (or return the sitting they already started): when it ends by
    the server's clock, and the learner's items with their one variant each."""
    course_obj, exam = _exam(request, course, slug)
    learner = _learner(request, course_obj, payload.learner)
    try:
        sitting = exams.start(exam, learner, payload.access_code)
    except exams.ExamRefused as refused:
        return problem(409, refused.message)
    exams.finalise_if_over(sitting)
    items = []
    in_order = assessments.items_for(exam, learner)
    drawn = assessments.drawn_exercises(in_order, learner)
    for item in in_order:
        exercise = drawn[item.pk]
        attempt = current_item_attempt(learner, item, exercise)
        items.append(
            {
                "id": item.pk,
                "position": item.position,
                "points": item.points,
                "exercise": exercise.slug,
                "title": exercise.title,
                "attempt": attempt.pk,
                "prompt": render_markdown(definition_of(attempt).prompt, attempt.params),
            }
        )
    return {
        "assessment": exam.slug,
        "started_at": sitting.started_at.isoformat(),
        "ends_at": sitting.ends_at.isoformat(),
        "seconds_left": exams.seconds_left(sitting),
        "finished": sitting.finished,
        "items": items,
    }


@router.post(
    "/courses/{course}/assessments/{slug}/items/{item_id}/answers",
    response={202: ExamAnswerCreated},
    openapi_extra=documented(*KEYED, *BODY, 404, 409),
)
def answer_exam_item(
    request: ApiRequest, course: Slug, slug: Slug, item_id: int, payload: ExamAnswerIn
) -> JsonResponse:
    """Submit the learner's answer to an item of their running exam; 409 with the reason after
    its end (or before its start). Verdicts follow the exam's release policy."""
    course_obj, exam = _exam(request, course, slug)
    learner = _learner(request, course_obj, payload.learner)
    item = item_in_assessment(exam, item_id)
    sitting = exams.sitting_of(exam, learner)
    if sitting is not None:
        exams.finalise_if_over(sitting)
    attempt = current_item_attempt(learner, item, assessments.drawn_exercise(item, learner))
    try:
        with transaction.atomic():
            submission = submit(attempt, payload.answer)
    except (AnswerTooLarge, InvalidAnswer, SubmissionRefused) as error:
        return answer_refused(error)
    return created(request, submission, assessment=exam.slug, item=item.pk)
