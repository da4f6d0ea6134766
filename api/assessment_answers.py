"""Answers made through the API inside a course's assessment: the item variant they are made on,
and why their results are withheld. The assessment's own rules (attempts across variants, schedule,
late credit, release) apply as on the learner's pages (courseware.grading.intake, courseware.scoring).
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.http import JsonResponse
from ninja.errors import HttpError

from api.access import ApiRequest
from api.problems import invalid
from courseware import assessments
from courseware.models import Assessment, Attempt, Course, Exercise, Membership, Submission
from courseware.variants import current_item_attempt

ASSESSMENT_REF = r"^[-a-zA-Z0-9_]+/[-a-zA-Z0-9_]+$"


class Refused(Exception):
    """Input refused with a 422 naming each field at fault: {field: [reasons]}."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors

    def response(self) -> JsonResponse:
        return invalid(self.errors)


def item_attempt(request: ApiRequest, reference: str, learner: User, exercise: Exercise) -> Attempt:
    """The learner's variant of the item of `reference` ("course/slug") that holds `exercise`,
    for an API answer made under the assessment's rules.

    Refused (422, naming `assessment` or `exercise`) when the assessment or the item is not
    there; 403 when the key does not act in the course or the learner is not in it.
    """
    principal = request.auth
    course_slug, _, slug = reference.partition("/")
    if principal.course is not None and principal.course.slug != course_slug:
        raise HttpError(403, f"This key acts in course {principal.course.slug!r} only.")
    course = Course.objects.filter(slug=course_slug).first()
    assessment = course.assessments.filter(slug=slug).first() if course else None
    if assessment is None:
        raise Refused({"assessment": [f"no assessment {reference!r}"]})
    if not Membership.objects.filter(user=learner, course=course).exists():
        raise HttpError(403, f"The learner is not a member of course {course_slug!r}.")
    holding = list(assessment.items.filter(pool__exercise=exercise).distinct())
    if not holding:
        raise Refused({"exercise": [f"{exercise.slug!r} is not an item of {reference!r}"]})
    for item in holding:
        drawn = assessments.drawn_exercise(item, learner)
        if drawn.pk == exercise.pk:
            return current_item_attempt(learner, item, exercise)
    raise Refused({"exercise": [f"the learner drew {drawn.slug!r} for this item of {reference!r}"]})


def released_note(submission: Submission) -> str:
    """Why a learner's results on this answer are not shown yet."""
    item = submission.attempt.assessment_item
    assert item is not None  # only an answer in an assessment has its results withheld
    assessment = item.assessment
    if assessment.feedback == Assessment.FeedbackRelease.AFTER_DUE:
        schedule = assessments.schedule_for(assessment, submission.attempt.learner)
        due = f" ({schedule.due_at:%Y-%m-%d %H:%M} UTC)" if schedule.due_at else ""
        return f"Results of answers to “{assessment.title}” are released after its due date{due}."
    return f"Results of answers to “{assessment.title}” are not released to learners."
