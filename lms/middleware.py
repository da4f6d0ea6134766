"""Refuse API request bodies over the limit before anything reads them (413, problem JSON)."""

from lms.problems import problem
from tangent.security import POLICY

MAX_BODY_BYTES = 72 * 1024  # the largest answer (64 KB of code) plus its envelope


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return problem(400, "Content-Length is not a number.")
            if length > MAX_BODY_BYTES:
                return problem(
                    413, f"The request body is over the {MAX_BODY_BYTES // 1024} KB limit."
                )
        return self.get_response(request)


class LtiFrameMiddleware:
    """Let the LMS that launched this session frame Tangent's pages, and no other site.

    The launch stores its platform's origins in the session (or a view sets
    `response.frame_origins`); such responses get a CSP `frame-ancestors` listing exactly those
    origins and no X-Frame-Options. Every other response keeps the site's `frame-ancestors 'none'`.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        origins = getattr(response, "frame_origins", None)
        if origins is None and hasattr(request, "session"):
            origins = request.session.get("lti_frame_origins")
        if origins:
            response.xframe_options_exempt = True
            response["Content-Security-Policy"] = frame_policy(
                origins, getattr(response, "form_origins", ())
            )
        return response


def frame_policy(frame_origins, form_origins=()) -> str:
    """The site's CSP with `frame-ancestors` (and `form-action`) widened to the given origins."""
    ancestors = " ".join(sorted(set(frame_origins)))
    policy = POLICY.replace("frame-ancestors 'none'", f"frame-ancestors {ancestors}")
    if form_origins:
        forms = " ".join(sorted(set(form_origins)))
        policy = policy.replace("form-action 'self'", f"form-action 'self' {forms}")
    return policy
