"""LTI 1.3 endpoints: login initiation, launch, the launch landing page, deep linking, JWKS."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth import get_user_model, login
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiRegistration

from courseware import ratelimits
from courseware.models import Assessment, Course, Exercise, Quiz
from lms import (
    deep_linking,
    frame_cookies,
    frame_origins,
    launch_state,
    lti_accounts,
    passback,
    tool_keys,
)
from lms.launch import (
    AGS_ENDPOINT,
    DEEP_LINKING,
    DEEP_LINKING_REQUEST,
    Launch,
    LaunchRejected,
    on_this_site,
)
from lms.launch import validate as validate_launch
from lms.middleware import launch_refusal, refused, with_launch
from lms.models import GradeLine

BACKEND = "django.contrib.auth.backends.ModelBackend"


def rejected(request, reason: str, registration: LtiRegistration | None = None) -> HttpResponse:
    """The 400 page for a refused launch, framed as `frame_origins.refusal_origins` allows."""
    return refused(request, reason, frame_origins.refusal_origins(registration), status=400)


MAX_PARAM_CHARS = 2048  # login_hint, lti_message_hint, target_link_uri: platforms send far less


@csrf_exempt
@require_http_methods(["GET", "POST"])
@ratelimits.limited("lti-login", methods=("GET", "POST"))
def login_initiation(request, registration_uuid):
    """OIDC third-party login: check the platform's request, then send the browser to its auth URL.

    The state is tied to this browser by a partitioned state cookie (`lms.frame_cookies`).
    """
    params = request.POST if request.method == "POST" else request.GET
    registration = LtiRegistration.objects.active().filter(uuid=registration_uuid).first()
    if registration is None:
        return rejected(request, "This platform registration is not known or not active.")
    if params.get("iss") != registration.issuer:
        return rejected(
            request, "The login request's issuer is not this registration's.", registration
        )
    if params.get("client_id") and params["client_id"] != registration.client_id:
        return rejected(request, "The login request's client_id is not this tool's.", registration)
    for name in ("login_hint", "lti_message_hint", "target_link_uri"):
        if len(params.get(name, "")) > MAX_PARAM_CHARS:
            return rejected(
                request,
                f"The login request's {name} is longer than {MAX_PARAM_CHARS} characters.",
                registration,
            )
    if not on_this_site(params.get("target_link_uri", ""), request):
        return rejected(
            request, "The login request's target_link_uri is not on this site.", registration
        )
    if not params.get("login_hint"):
        return rejected(request, "The login request has no login_hint.", registration)
    browser = frame_cookies.new_secret()
    state, nonce = launch_state.issue(registration.pk, frame_cookies.digest(browser))
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": deep_linking.launch_url(request),
        "login_hint": params["login_hint"],
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    separator = "&" if "?" in registration.auth_url else "?"
    response = HttpResponseRedirect(registration.auth_url + separator + urlencode(query))
    frame_cookies.set_state(response, state, browser, launch_state.STATE_SECONDS)
    return response


@csrf_exempt
@require_POST
def launch(request):
    """Validate the id_token strictly, map the user and course, and open the linked item."""
    response = open_item(request)
    frame_cookies.drop_state(request, response, request.POST.get("state", ""))
    return response


def open_item(request) -> HttpResponse:
    try:
        valid = validate_launch(request)
    except LaunchRejected as error:
        return rejected(request, error.reason, error.registration)
    user = lti_accounts.learner_for(valid.registration, valid.claims)
    course = lti_accounts.course_for(valid)
    lti_accounts.enrol(user, course, valid.is_staff)
    if valid.message_type == DEEP_LINKING_REQUEST:
        return start_deep_linking(request, valid, user, course)
    item = linked_item(valid, course)
    if item is None and not valid.is_staff:
        return rejected(
            request,
            "This link does not name a Tangent exercise, quiz or assessment of this course.",
            valid.registration,
        )
    lti_accounts.resource_link_for(valid)
    if item is not None and not valid.is_staff:
        remember_grade_line(valid, user, course, item)
    if item is None:
        target = reverse("lti:staff", args=[course.slug])
    elif isinstance(item, Assessment):
        target = reverse("assessment", args=[course.slug, item.slug])
    elif isinstance(item, Quiz):
        target = reverse("quiz", args=[course.slug, item.slug])
    else:
        target = reverse("exercise", args=[course.slug, item.slug])
    origins = frame_origins.platform_origins(
        valid.registration, valid.claim("launch_presentation", {}).get("return_url", "")
    )
    login(request, user, backend=BACKEND)
    request.session["lti_frame_origins"] = origins
    return keep_launch(
        request,
        {"user": user.pk, "target": target, "origins": origins},
        valid.is_staff,
        lambda launch_id: reverse("lti:open", args=[launch_id]),
    )


def keep_launch(request, record: dict, staff: bool, page) -> HttpResponse:
    """Keep the launch, bound to this browser's binding cookie, and send the browser to
    `page(launch_id)`."""
    secret = frame_cookies.binding_secret(request)
    launch_id = launch_state.keep(record, staff=staff, binding=frame_cookies.digest(secret))
    response = HttpResponseRedirect(page(launch_id))
    frame_cookies.set_binding(response, secret)
    return response


def linked_item(valid: Launch, course: Course) -> Exercise | Quiz | Assessment | None:
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


def remember_grade_line(valid: Launch, user, course, item) -> None:
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


@xframe_options_exempt
@require_GET
def open_launch(request, launch_id):
    """Land a launch in its tab: go to the item, carrying the launch id if no cookie came back.

    Browsers that block third-party cookies drop the session inside the LMS frame; the item's
    pages then carry the launch id instead (`LtiLaunchMiddleware`). A staff launch lands once.
    Their "open in a new tab" link brings a one-time sign-in token, which logs the user in there.
    """
    record = launch_state.find(launch_id)
    if record is None or record.get("kind") == "deep_linking":
        return rejected(request, "This launch has expired. Open the link again from your course.")
    token = request.GET.get("login", "")
    if token:
        if not launch_state.use_new_tab_token(launch_id, token):
            return rejected(request, "This sign-in link has expired or has been used already.")
        login(request, get_user_model().objects.get(pk=record["user"]), backend=BACKEND)
        request.session["lti_frame_origins"] = record["origins"]
        return HttpResponseRedirect(record["target"])
    refusal = launch_refusal(request, launch_id, record)
    if refusal:
        return refused(request, refusal, record["origins"])
    if record["staff"] and not launch_state.land(launch_id):
        return refused(
            request,
            "This staff launch has been opened already. Open the link again from your course.",
            record["origins"],
            status=400,
        )
    if request.user.pk != record["user"]:
        return HttpResponseRedirect(with_launch(record["target"], launch_id))
    return HttpResponseRedirect(record["target"])


def start_deep_linking(request, valid: Launch, user, course: Course) -> HttpResponse:
    if not valid.is_staff:
        return rejected(
            request, "Only instructors can add Tangent content to a course.", valid.registration
        )
    dl_settings = valid.claims[DEEP_LINKING]
    accepted = dl_settings.get("accept_types")
    if isinstance(accepted, list) and "ltiResourceLink" not in accepted:
        return rejected(
            request, "The platform does not accept LTI resource links here.", valid.registration
        )
    return_url = dl_settings["deep_link_return_url"]  # an absolute URL: the validator checked
    return keep_launch(
        request,
        {
            "kind": "deep_linking",
            "user": user.pk,
            "course": course.pk,
            "registration": valid.registration.pk,
            "deployment_id": valid.deployment.deployment_id,
            "settings": dl_settings,
            "origins": frame_origins.platform_origins(valid.registration, return_url),
            "return_origin": frame_origins.origin(return_url),
        },
        True,
        lambda launch_id: reverse("lti:deep_link_select") + "?" + urlencode({"launch": launch_id}),
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def deep_link_select(request):
    """An instructor picks one of the course's assessments, a quiz or an exercise; the choice goes
    back to the platform, signed."""
    launch_id = request.GET.get("launch") or request.POST.get("launch", "")
    record = launch_state.find(launch_id)
    if record is None or record.get("kind") != "deep_linking":
        return rejected(request, "This content selection has expired. Start again from the course.")
    registration = LtiRegistration.objects.active().filter(pk=record["registration"]).first()
    if registration is None:
        return refused(
            request, "The platform registration is not active.", record["origins"], status=400
        )
    if request.method == "GET":
        response = render(
            request,
            "lms/deep_link_select.html",
            {
                "launch": launch_id,
                "assessments": Assessment.objects.filter(course_id=record.get("course")),
                "quizzes": Quiz.objects.select_related("module"),
                "exercises": Exercise.objects.filter(retired=False).select_related("module"),
            },
        )
        response.frame_origins = record["origins"]
        return response
    item = chosen_item(request.POST.get("item", ""), record.get("course"))
    if item is None:
        return rejected(
            request, "Pick one of the listed assessments, quizzes or exercises.", registration
        )
    if isinstance(item, Assessment) and not passback.score_maximum(item):
        return rejected(
            request, f"“{item.title}” has no points yet: add its items first.", registration
        )
    jwt_value = deep_linking.response_jwt(
        record, registration, item, deep_linking.launch_url(request)
    )
    if not launch_state.forget(launch_id):
        return rejected(request, "This content selection has been sent already.", registration)
    response = render(
        request,
        "lms/deep_link_return.html",
        {"return_url": record["settings"]["deep_link_return_url"], "jwt": jwt_value, "item": item},
    )
    response.frame_origins = record["origins"]
    response.form_origins = [record["return_origin"]]
    return response


def chosen_item(value: str, course_id: int | None) -> Exercise | Quiz | Assessment | None:
    kind, _, slug = value.partition(":")
    if kind == "assessment":
        return Assessment.objects.filter(course_id=course_id, slug=slug).first()
    if kind == "quiz":
        return Quiz.objects.filter(slug=slug).first()
    if kind == "exercise":
        return Exercise.objects.filter(slug=slug, retired=False).first()
    return None


@require_GET
def jwks(request):
    """Tangent's public keys, for platforms to verify its tokens and deep-linking responses."""
    return JsonResponse(tool_keys.jwks())
