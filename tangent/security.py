"""A strict Content-Security-Policy: everything from our own origin, no inline script."""

import functools
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def _push_origin(events_url: str) -> str:
    """The push service's origin when it is not the site's own (tangent/events.py)."""
    url = urlsplit(events_url)
    return f" {url.scheme}://{url.netloc}" if url.scheme and url.netloc else ""


@functools.cache
def policy(events_url: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",  # KaTeX sets inline styles
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'" + _push_origin(events_url),
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def site_policy() -> str:
    """The policy of every page, allowing the push service's origin (settings read each time)."""
    return policy(settings.TANGENT_EVENTS_URL)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", site_policy())
        return response
