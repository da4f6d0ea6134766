"""Requests Tangent makes to other systems (webhooks, callbacks, LMS endpoints).

They go only to https URLs whose host resolves to public addresses, so a registered URL cannot
point Tangent at its own network; settings.OUTBOUND_ALLOW_PRIVATE lifts this for tests.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings


class UnsafeUrl(ValueError):
    """An outbound URL that is not https or that points at a private or loopback address."""


def allowed_schemes() -> tuple[str, ...]:
    """The schemes of other systems' URLs: https, and http where tests run local servers."""
    return ("http", "https") if settings.OUTBOUND_ALLOW_PRIVATE else ("https",)


def check_url(url: str) -> str:
    """`url` if Tangent may send requests to it; UnsafeUrl with the reason otherwise."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host.")
    if parts.scheme not in allowed_schemes():
        raise UnsafeUrl("The URL must use https.")
    if settings.OUTBOUND_ALLOW_PRIVATE:
        return url
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeUrl(f"The host {parts.hostname!r} does not resolve.") from error
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise UnsafeUrl(f"The host {parts.hostname!r} resolves to a non-public address.")
    return url


def send(method: str, url: str, **kwargs) -> requests.Response:
    """An HTTP request to a checked URL, with a timeout and without following redirects."""
    check_url(url)
    kwargs.setdefault("allow_redirects", False)
    return requests.request(method, url, timeout=settings.OUTBOUND_TIMEOUT_SECONDS, **kwargs)
