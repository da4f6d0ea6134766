"""Where a validated launch lands: the platform's user and course mapped to Tangent's (and the user
enrolled), then the page it opens: the exercise, quiz or assessment its resource link names (with
the grade line a learner's scores go back to), the course's LMS page for staff, or the content
picker for a deep-linking request. Refusals raise LaunchRejected with the reason; the view turns
a landing into a sign-in, cookies and a redirect."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse

from courseware.models import Assessment, Course, Exercise, Quiz
from lms import frame_origins, lti_accounts
from lms.launch import AGS_ENDPOINT, DEEP_LINKING, DEEP_LINKING_REQUEST, Launch, LaunchRejected
from lms.models import GradeLine

Item = Exercise | Quiz | Assessment


@dataclass
class Landing:
    """A launch to keep (`record`, for launch_state) until the browser lands on its page."""

    user: User
    record: dict[str, Any]
    staff: bool

    @property
    def deep_linking(self) -> bool:
        return self.record.get("kind") == "deep_linking"


def land(valid: Launch) -> Landing:
    """Map and enrol the launch's user, and decide where the launch goes."""
    user = lti_accounts.learner_for(valid.registration, valid.claims)
    course = lti_accounts.course_for(valid)
    lti_accounts.enrol(user, course, valid.is_staff)
    if valid.message_type == DEEP_LINKING_REQUEST:
        return deep_linking_landing(valid, user, course)
    item = linked_item(valid, course)
    if item is None and not valid.is_staff:
        raise LaunchRejected(
            "This link does not name a Tangent exercise, quiz or assessment of this course.",
            valid.registration,
        )
    lti_accounts.resource_link_for(valid)
    if item is not None and not valid.is_staff:
        remember_grade_line(valid, user, course, item)
    origins = frame_origins.platform_origins(
        valid.registration, valid.claim("launch_presentation", {}).get("return_url", "")
    )
    record = {"user": user.pk, "target": page_of(course, item), "origins": origins}
    return Landing(user, record, valid.is_staff)


def page_of(course: Course, item: Item | None) -> str:
    """The item's page in the course; the course's LMS page (for staff) when there is none."""
    if item is None:
        return reverse("lti:staff", args=[course.slug])
    if isinstance(item, Assessment):
        return reverse("assessment", args=[course.slug, item.slug])
    if isinstance(item, Quiz):
        return reverse("quiz", args=[course.slug, item.slug])
    return reverse("exercise", args=[course.slug, item.slug])


def linked_item(valid: Launch, course: Course) -> Item | None:
    """The exercise, quiz or (the launch's course's) assessment the resource link names in its
    custom parameters."""
    custom = valid.claim("custom", {}) or {}
    if custom.get("assessment"):
        return course.assessments.filter(slug=str(custom["assessment"])).first()
    if custom.get("quiz"):
        return Quiz.objects.filter(slug=str(custom["quiz"])).first()
    if custom.get("exercise"):
        return Exercise.objects.filter(slug=str(custom["exercise"]), retired=False).first()
    return None


def remember_grade_line(valid: Launch, user: User, course: Course, item: Item) -> None:
    """Where this learner's score for `item` goes, when the platform gave a line item."""
    endpoint = valid.claims.get(AGS_ENDPOINT) or {}
    lineitem = endpoint.get("lineitem")
    if not isinstance(lineitem, str) or not lineitem:
        return
    GradeLine.objects.update_or_create(
        lineitem_url=lineitem,
        learner=user,
        defaults={
            "registration": valid.registration,
            "sub": valid.claims["sub"],
            "course": course,
            "exercise": item if isinstance(item, Exercise) else None,
            "quiz": item if isinstance(item, Quiz) else None,
            "assessment": item if isinstance(item, Assessment) else None,
        },
    )


def deep_linking_landing(valid: Launch, user: User, course: Course) -> Landing:
    """An instructor's request to add content: kept for the picker (lms.deep_linking)."""
    if not valid.is_staff:
        raise LaunchRejected(
            "Only instructors can add Tangent content to a course.", valid.registration
        )
    dl_settings = valid.claims[DEEP_LINKING]
    accepted = dl_settings.get("accept_types")
    if isinstance(accepted, list) and "ltiResourceLink" not in accepted:
        raise LaunchRejected(
            "The platform does not accept LTI resource links here.", valid.registration
        )
    return_url = dl_settings["deep_link_return_url"]  # an absolute URL: the validator checked
    record = {
        "kind": "deep_linking",
        "user": user.pk,
        "course": course.pk,
        "registration": valid.registration.pk,
        "deployment_id": valid.deployment.deployment_id,
        "settings": dl_settings,
        "origins": frame_origins.platform_origins(valid.registration, return_url),
        "return_origin": frame_origins.origin(return_url),
    }
    return Landing(user, record, staff=True)
