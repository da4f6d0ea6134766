"""LTI 1.3 endpoints: login initiation, launch, the launch landing page, deep linking, JWKS."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth import get_user_model, login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from lti_tool.models import LtiRegistration

from courseware import ratelimits
from lms import deep_linking, frame_cookies, frame_origins, launch_landing, launch_state, tool_keys
from lms.launch import LaunchRejected, auth_request_url, login_registration
from lms.launch import validate as validate_launch
from lms.middleware import framed, launch_refusal, refused, with_launch
from tangent import auth


def rejected(
    request: HttpRequest, reason: str, registration: LtiRegistration | None = None
) -> HttpResponse:
    """The 400 page for a refused launch, framed as `frame_origins.refusal_origins` allows."""
    return refused(request, reason, frame_origins.refusal_origins(registration), status=400)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@ratelimits.limited("lti-login", methods=("GET", "POST"))
def login_initiation(request: HttpRequest, registration_uuid: UUID) -> HttpResponse:
    """OIDC third-party login: check the platform's request, then send the browser to its auth URL.

    The state is tied to this browser by a partitioned state cookie (`lms.frame_cookies`).
    """
    params = request.POST if request.method == "POST" else request.GET
    try:
        registration = login_registration(registration_uuid, params, request)
    except LaunchRejected as error:
        return rejected(request, error.reason, error.registration)
    browser = frame_cookies.new_secret()
    state, nonce = launch_state.issue(registration.pk, frame_cookies.digest(browser))
    url = auth_request_url(registration, params, state, nonce, deep_linking.launch_url(request))
    response = HttpResponseRedirect(url)
    frame_cookies.set_state(response, state, browser, launch_state.STATE_SECONDS)
    return response


@csrf_exempt
@require_POST
def launch(request: HttpRequest) -> HttpResponse:
    """Validate the id_token strictly, map the user and course, and open the linked item."""
    response = open_item(request)
    frame_cookies.drop_state(request, response, request.POST.get("state", ""))
    return response


def open_item(request: HttpRequest) -> HttpResponse:
    try:
        landing = launch_landing.land(validate_launch(request))
    except LaunchRejected as error:
        return rejected(request, error.reason, error.registration)
    if landing.deep_linking:
        return keep_launch(
            request,
            landing,
            lambda launch_id: (
                reverse("lti:deep_link_select") + "?" + urlencode({"launch": launch_id})
            ),
        )
    login(request, landing.user, backend=auth.BACKEND)
    request.session["lti_frame_origins"] = landing.record["origins"]
    return keep_launch(request, landing, lambda launch_id: reverse("lti:open", args=[launch_id]))


def keep_launch(
    request: HttpRequest, landing: launch_landing.Landing, page: Callable[[str], str]
) -> HttpResponse:
    """Keep the launch, bound to this browser's binding cookie, and send the browser to
    `page(launch_id)`."""
    secret = frame_cookies.binding_secret(request)
    launch_id = launch_state.keep(
        landing.record, staff=landing.staff, binding=frame_cookies.digest(secret)
    )
    response = HttpResponseRedirect(page(launch_id))
    frame_cookies.set_binding(response, secret)
    return response


@xframe_options_exempt
@require_GET
def open_launch(request: HttpRequest, launch_id: str) -> HttpResponse:
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
        login(request, get_user_model().objects.get(pk=record["user"]), backend=auth.BACKEND)
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


@csrf_exempt
@require_http_methods(["GET", "POST"])
def deep_link_select(request: HttpRequest) -> HttpResponse:
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
        context = {"launch": launch_id, **deep_linking.choices(record.get("course"))}
        return framed(render(request, "lms/deep_link_select.html", context), record["origins"])
    try:
        item, jwt_value = deep_linking.respond(
            launch_id,
            record,
            registration,
            request.POST.get("item", ""),
            deep_linking.launch_url(request),
        )
    except LaunchRejected as error:
        return rejected(request, error.reason, error.registration)
    response = render(
        request,
        "lms/deep_link_return.html",
        {"return_url": record["settings"]["deep_link_return_url"], "jwt": jwt_value, "item": item},
    )
    return framed(response, record["origins"], [record["return_origin"]])


@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    """Tangent's public keys, for platforms to verify its tokens and deep-linking responses."""
    return JsonResponse(tool_keys.jwks())
