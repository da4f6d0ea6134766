"""Deep Linking 2.0 responses: the exercise, quiz or course assessment an instructor picked, with
its gradebook column (out of 100, or out of the assessment's total points)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from lti_tool.models import LtiRegistration
from pylti1p3.deep_link import DeepLink
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem
from pylti1p3.registration import Registration

from courseware.models import Assessment, Exercise, Quiz
from lms import launch_state, passback, tool_keys
from lms.launch import LaunchRejected


def tool_registration(registration: LtiRegistration) -> Registration:
    """pylti1p3's view of a registration, signing with Tangent's current key."""
    key = tool_keys.signing_key()
    return (
        Registration()
        .set_issuer(registration.issuer)
        .set_client_id(registration.client_id)
        .set_auth_token_url(registration.token_url)
        .set_tool_private_key(tool_keys.private_pem(key))
        .set_tool_public_key(key.public_key)
    )


def kind_of(item: Exercise | Quiz | Assessment) -> str:
    if isinstance(item, Assessment):
        return "assessment"
    return "quiz" if isinstance(item, Quiz) else "exercise"


def resource_for(item: Exercise | Quiz | Assessment, launch_url: str) -> DeepLinkResource:
    """A resource link that launches `item`, with a line item so the platform makes a column
    (one per assessment: its resource id names the course and the assessment)."""
    kind = kind_of(item)
    assessment = item if isinstance(item, Assessment) else None
    resource = item.slug if assessment is None else f"{assessment.course.slug}/{item.slug}"
    line = (
        LineItem()
        .set_score_maximum(passback.score_maximum(assessment))
        .set_label(item.title)
        .set_resource_id(f"{kind}:{resource}")
    )
    return (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(item.title)
        .set_custom_params({kind: item.slug})
        .set_lineitem(line)
    )


DATA_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


def response_jwt(
    launch: dict[str, Any],
    registration: LtiRegistration,
    item: Exercise | Quiz | Assessment,
    launch_url: str,
) -> str:
    """The signed LtiDeepLinkingResponse carrying the chosen item.

    It echoes the request's `data` when the platform sent one, and has no `data` claim when it
    did not (pylti1p3 would write `data: null`).
    """
    link = DeepLink(tool_registration(registration), launch["deployment_id"], launch["settings"])
    message = link.get_message_jwt([resource_for(item, launch_url)])
    if "data" not in launch["settings"]:
        del message[DATA_CLAIM]
    signed: str = link.encode_jwt(message)
    return signed


def launch_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("lti:launch"))


def choices(course_id: int | None) -> dict[str, QuerySet[Any]]:
    """What an instructor may pick: the launch's course's assessments, any quiz, a live exercise."""
    return {
        "assessments": _assessments_of(course_id),
        "quizzes": Quiz.objects.select_related("module"),
        "exercises": Exercise.objects.filter(retired=False).select_related("module"),
    }


def _assessments_of(course_id: int | None) -> QuerySet[Assessment]:
    """The assessments of the launch's course (none when the launch has no course)."""
    if course_id is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(course_id=course_id)


def chosen_item(value: str, course_id: int | None) -> Exercise | Quiz | Assessment | None:
    """The item a picker's `kind:slug` value names among `choices`, if it does."""
    kind, _, slug = value.partition(":")
    if kind == "assessment":
        return _assessments_of(course_id).filter(slug=slug).first()
    if kind == "quiz":
        return Quiz.objects.filter(slug=slug).first()
    if kind == "exercise":
        return Exercise.objects.filter(slug=slug, retired=False).first()
    return None


def respond(
    launch_id: str,
    launch: dict[str, Any],
    registration: LtiRegistration,
    value: str,
    launch_url: str,
) -> tuple[Exercise | Quiz | Assessment, str]:
    """The picked item and its signed response, sent once per request (the launch is forgotten);
    LaunchRejected says why not."""
    item = chosen_item(value, launch.get("course"))
    if item is None:
        raise LaunchRejected(
            "Pick one of the listed assessments, quizzes or exercises.", registration
        )
    if isinstance(item, Assessment) and not passback.score_maximum(item):
        raise LaunchRejected(
            f"“{item.title}” has no points yet: add its items first.", registration
        )
    jwt_value = response_jwt(launch, registration, item, launch_url)
    if not launch_state.forget(launch_id):
        raise LaunchRejected("This content selection has been sent already.", registration)
    return item, jwt_value
