"""Requests Tangent makes to other systems (webhooks, callbacks, LMS endpoints, an XQueue).

They go only to https URLs whose host resolves to public addresses, so a registered URL cannot
point Tangent at its own network. One integration may name hosts of its own that are exempt
(`allowed_hosts`: an Open edX XQueue on the internal network, given by the operator who runs
its worker); the exemption holds for that integration's requests only. settings.OUTBOUND_ALLOW_PRIVATE
lifts the rule everywhere, for tests.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Collection
from typing import Any
from urllib.parse import urlsplit

import requests
from django.conf import settings


class UnsafeUrl(ValueError):
    """An outbound URL that is not https or that points at a private or loopback address."""


def allowed_schemes() -> tuple[str, ...]:
    """The schemes of other systems' URLs: https, and http where tests run local servers."""
    return ("http", "https") if settings.OUTBOUND_ALLOW_PRIVATE else ("https",)


def check_url(url: str, allowed_hosts: Collection[str] = ()) -> str:
    """`url` if Tangent may send requests to it; UnsafeUrl with the reason otherwise.

    A host in `allowed_hosts` (names compared without case, no port) may be http and private.
    """
    parts = urlsplit(url)
    if not parts.hostname:
        raise UnsafeUrl("The URL has no host.")
    exempt = parts.hostname.lower() in {host.strip().lower() for host in allowed_hosts}
    if parts.scheme not in (("http", "https") if exempt else allowed_schemes()):
        raise UnsafeUrl("The URL must use https.")
    if exempt or settings.OUTBOUND_ALLOW_PRIVATE:
        return url
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UnsafeUrl(f"The host {parts.hostname!r} does not resolve.") from error
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%")[0])
        if not address.is_global:
            raise UnsafeUrl(f"The host {parts.hostname!r} resolves to a non-public address.")
    return url


def send(
    method: str,
    url: str,
    *,
    allowed_hosts: Collection[str] = (),
    session: requests.Session | None = None,
    timeout: float | None = None,
    **kwargs: Any,
) -> requests.Response:
    """An HTTP request to a checked URL, with a timeout and without following redirects.

    `session` keeps cookies between requests (a logged-in client); `timeout` defaults to
    settings.OUTBOUND_TIMEOUT_SECONDS.
    """
    check_url(url, allowed_hosts)
    kwargs.setdefault("allow_redirects", False)
    return (session or requests).request(
        method, url, timeout=timeout or settings.OUTBOUND_TIMEOUT_SECONDS, **kwargs
    )
