"""Serving LTI launches inside the platform's frame."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import Resolver404, resolve, reverse

from api.problems import problem
from lms import frame_cookies, launch_state
from tangent.security import site_policy


class LtiFrameMiddleware:
    """Let the LMS that launched this session or request frame Tangent's pages, and no other site.

    The launch stores its platform's origins in the session, a request carrying a launch id
    brings them (`LtiLaunchMiddleware`), or a view names them (`framed`); such responses
    get a CSP `frame-ancestors` listing exactly those origins and no X-Frame-Options. Every other
    response keeps the site's `frame-ancestors 'none'`.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        origins = getattr(response, "frame_origins", None)
        if origins is None:
            origins = getattr(request, "lti_frame_origins", None)
        if origins is None and hasattr(request, "session"):
            origins = request.session.get("lti_frame_origins")
        if origins:
            setattr(response, "xframe_options_exempt", True)  # noqa: B010 - Django reads it so
            response["Content-Security-Policy"] = frame_policy(
                origins, getattr(response, "form_origins", ())
            )
        return response


class LtiLaunchMiddleware:
    """Serve a framed learner by the launch id their pages carry, with no session cookie.

    Browsers drop or block cookies in a cross-site frame, so inside the LMS the session cookie
    may never come back. The launch's pages carry its launch id instead: in the `X-Tangent-Launch`
    header (htmx, fetch) or a `launch` parameter (links, forms). A request with the id of a current
    launch, from a browser with no other user's session, is that launch's user for this request
    only (no session is made); its redirects keep the id, and the launch's platform may frame it.

    The id alone is not a password (`launch_refusal`): it is refused on a state-changing request
    from another site, and once the frame's binding cookie (`lms.frame_cookies`) has come back
    with it, it works only together with that cookie. How long an id lives, and that logging out
    ends it, is `lms.launch_state`'s.

    Such requests skip Django's cookie-based CSRF check. The CSRF token proves that a request
    comes from one of our own pages; so does the launch id: it is 24 random bytes that only the
    launch's own pages know and send, `Referrer-Policy: same-origin` keeps it from reaching other
    sites, and a request whose `Origin` or `Sec-Fetch-Site` names another site is refused.

    The admin and the API-key API never accept a launch id, except for the API endpoints the
    learner pages call themselves (`LAUNCH_API`).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        launch_id = launch_in(request)
        record = launch_state.find(launch_id) if launch_id else None
        if not launch_id or record is None:
            return self.get_response(request)
        refusal = launch_refusal(request, launch_id, record)
        if refusal:
            return refused(request, refusal, record["origins"])
        user = launch_user(request, record)
        if user is None:
            return self.get_response(request)
        request.user = user
        login = urlencode({"login": launch_state.new_tab_token(launch_id)})  # a tab of its own
        # Attributes HttpRequest does not declare: the templates, LtiFrameMiddleware and Django's
        # CSRF check read them with getattr.
        for name, value in (
            ("lti_launch", launch_id),
            ("lti_frame_origins", record["origins"]),
            ("lti_new_tab_url", f"{reverse('lti:open', args=[launch_id])}?{login}"),
            ("_dont_enforce_csrf_checks", True),
        ):
            setattr(request, name, value)
        response = self.get_response(request)
        location = response.get("Location")
        if location and urlsplit(location).netloc in ("", request.get_host()):
            response["Location"] = with_launch(location, launch_id)
        return response


CROSS_SITE = "A launch id is not accepted on a request sent from another site."
OTHER_BROWSER = "This launch is open in another browser. Open the link again from your course."
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def launch_refusal(request: HttpRequest, launch_id: str, record: dict[str, Any]) -> str | None:
    """Why this request may not use the launch id, or None if it may.

    A state-changing request from another site may not. A browser that sends the binding cookie
    the launch was made with binds the launch to it; after that, a request without that cookie
    may not (a browser that sends another binding cookie never may).
    """
    if request.method not in SAFE_METHODS and from_another_site(request):
        return CROSS_SITE
    sent = frame_cookies.sent_binding(request)
    if sent is None:
        return OTHER_BROWSER if record["bound"] else None
    if not secrets.compare_digest(frame_cookies.digest(sent), record["binding"]):
        return OTHER_BROWSER
    if not record["bound"]:
        launch_state.bind(launch_id)
    return None


def from_another_site(request: HttpRequest) -> bool:
    """The request says it was sent by a page of another site (`Sec-Fetch-Site`, `Origin`)."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return True
    origin = request.headers.get("Origin")
    own = {f"{request.scheme}://{request.get_host()}", *settings.CSRF_TRUSTED_ORIGINS}
    return origin is not None and origin not in own


def refused(
    request: HttpRequest, reason: str, frame_origins: list[str] | None = None, status: int = 403
) -> HttpResponse:
    """The page (or problem JSON) for a refused launch or launch id, framed by its platform."""
    if request.path_info.startswith("/api/"):
        return problem(status, reason)
    response = render(request, "lms/launch_rejected.html", {"reason": reason}, status=status)
    if frame_origins:
        framed(response, frame_origins)
    return response


def framed(
    response: HttpResponse, frame_origins: list[str], form_origins: list[str] | None = None
) -> HttpResponse:
    """Let `frame_origins` frame the response, and its forms post to `form_origins`: the response
    carries them for LtiFrameMiddleware, which writes its CSP."""
    # Not attributes HttpResponse declares: the middleware reads them back with getattr.
    setattr(response, "frame_origins", frame_origins)  # noqa: B010
    if form_origins:
        setattr(response, "form_origins", form_origins)  # noqa: B010
    return response


LAUNCH_HEADER = "X-Tangent-Launch"
LAUNCH_API = {"api:preview", "api:sandpit_probe"}  # they accept the learner's session too


def launch_in(request: HttpRequest) -> str | None:
    """The launch id a request carries, where launch ids are accepted at all.

    The API takes it from the header only, and a POST from its form fields only when urlencoded
    (reading a multipart body here would leave nothing for the view to read).
    """
    path = request.path_info
    if path.startswith("/admin/"):
        return None
    if path.startswith("/api/"):
        launch_id = request.headers.get(LAUNCH_HEADER)
        return launch_id if launch_id and api_view(path) in LAUNCH_API else None
    launch_id = request.headers.get(LAUNCH_HEADER) or request.GET.get("launch")
    if not launch_id and request.content_type == "application/x-www-form-urlencoded":
        launch_id = request.POST.get("launch")
    return launch_id or None


def api_view(path: str) -> str | None:
    try:
        return resolve(path).view_name
    except Resolver404:
        return None


def launch_user(request: HttpRequest, record: dict[str, Any]) -> User | None:
    """The launch's user, if the launch opens an item and no other user is logged in here."""
    if record.get("kind") == "deep_linking":
        return None
    if request.user.is_authenticated and request.user.pk != record["user"]:
        return None
    return get_user_model().objects.filter(pk=record["user"], is_active=True).first()


def with_launch(url: str, launch_id: str) -> str:
    """`url` with `launch=<launch_id>` in its query."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "launch"]
    return urlunsplit(parts._replace(query=urlencode([*query, ("launch", launch_id)])))


def frame_policy(frame_origins: Iterable[str], form_origins: Iterable[str] = ()) -> str:
    """The site's CSP with `frame-ancestors` (and `form-action`) widened to the given origins."""
    ancestors = " ".join(sorted(set(frame_origins)))
    policy = site_policy().replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    if form_origins:
        forms = " ".join(sorted(set(form_origins)))
        policy = policy.replace("form-action 'self'", f"form-action 'self' {forms}")
    return policy
