"""Rate limits kept in Redis (shared by every web process), and the client address they key on.

Counting limits use fixed windows per action and actor. A limit that cannot be checked because
Redis is away lets the request through: the grading queue needs Redis anyway, and a learner should
not be locked out by our outage. A refusal raised as `RateLimited` becomes a 429 page with
`Retry-After` (`RateLimitedMiddleware`), or 429 problem JSON in the API.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, wraps
from typing import Concatenate, ParamSpec, TypeVar

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from tangent import redis_client

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Params = ParamSpec("Params")
Request = TypeVar("Request", bound=HttpRequest)
View = Callable[Concatenate[Request, Params], HttpResponseBase]


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds` for one actor."""

    name: str
    count: int
    seconds: int


class RateLimited(Exception):
    """Too many events: refused with `message`; the actor may try again after `retry_after` s."""

    def __init__(self, retry_after: int, message: str):
        super().__init__(message)
        self.retry_after = retry_after
        self.message = message


def configured(name: str) -> Limit:
    count, seconds = settings.RATE_LIMITS[name]
    return Limit(name, count, seconds)


def hit(limit: Limit, actor: str) -> int | None:
    """Count one event; None if allowed, else the seconds until the window resets."""
    window = int(time.time() // limit.seconds)
    key = redis_client.key(f"rate:{limit.name}:{actor}:{window}")
    try:
        pipe = redis_client.client().pipeline()
        pipe.incr(key)
        pipe.expire(key, limit.seconds + 1)
        count, _ = pipe.execute()
    except redis.RedisError:
        return None
    if count <= limit.count:
        return None
    return max(1, limit.seconds - int(time.time()) % limit.seconds)


def enforce(name: str, actor: str, message: str) -> None:
    """Count one event against the configured limit `name`; RateLimited once the actor is over it.

    `message` may say `{wait}`, filled in with the time to wait in words.
    """
    retry_after = hit(configured(name), actor)
    if retry_after is not None:
        raise RateLimited(retry_after, message.format(wait=in_words(retry_after)))


def in_words(seconds: float) -> str:
    """A wait as a person reads it: "40 seconds", "3 minutes", "2 hours"."""
    seconds = max(1, math.ceil(seconds))
    if seconds <= 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    if seconds < 2 * 3600:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{math.ceil(seconds / 3600)} hours"


def too_many(retry_after: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def client_address(request: HttpRequest) -> str:
    """The address of the client that sent the request: the one key for limits by address.

    `REMOTE_ADDR`, unless that is one of TANGENT_TRUSTED_PROXIES: then `X-Forwarded-For` is read
    from the right (each proxy appends the address it was connected from), past the trusted
    proxies, to the first address that is not one. Entries left of that one were written by the
    client and are never read. When every hop is a trusted proxy, or the header is missing or
    malformed there, the nearest address found is a trusted proxy's (see `is_client`).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    address = _parse(remote)
    if address is None:
        return remote or "unknown"
    if not _trusted(address):
        return str(address)
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _parse(entry)
        if hop is None:
            break
        address = hop
        if not _trusted(hop):
            break
    return str(address)


def is_client(address: str) -> bool:
    """Whether `address` (from `client_address`) is a client's own, not one of our proxies'.

    Behind a trusted proxy that does not say whom it forwards for, every client has the proxy's
    address, so a limit per address would be shared by all of them.
    """
    parsed = _parse(address)
    return parsed is not None and not _trusted(parsed)


_WITH_PORT = re.compile(r"\[(?P<v6>[^\]]+)\](?::\d+)?|(?P<v4>[\d.]+):\d+")


def _parse(text: str) -> Address | None:
    """An address as written by a server or a proxy (`1.2.3.4`, `1.2.3.4:5678`, `[::1]:80`)."""
    text = text.strip()
    match = _WITH_PORT.fullmatch(text)
    if match:
        text = match.group("v6") or match.group("v4")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def _trusted(address: Address) -> bool:
    return any(address in network for network in _networks(tuple(settings.TANGENT_TRUSTED_PROXIES)))


@lru_cache(maxsize=4)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


class RateLimitedMiddleware:
    """A `RateLimited` refusal raised by a page's view becomes a 429 page with `Retry-After`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response = render(
            request, "too_many_requests.html", {"message": exception.message}, status=429
        )
        response["Retry-After"] = str(exception.retry_after)
        return response


def user_or_address(request: HttpRequest) -> str:
    """Who a limit counts: the signed-in user, else the client's address."""
    return str(request.user.pk or client_address(request))


def limited(
    name: str,
    actor: Callable[[HttpRequest], str] = user_or_address,
    methods: tuple[str, ...] = ("POST",),
) -> Callable[[View[Request, Params]], View[Request, Params]]:
    """View decorator: refuse with 429 and Retry-After once the actor is over the named limit."""

    def decorate(view: View[Request, Params]) -> View[Request, Params]:
        @wraps(view)
        def wrapper(
            request: Request, /, *args: Params.args, **kwargs: Params.kwargs
        ) -> HttpResponseBase:
            if request.method in methods:
                retry_after = hit(configured(name), actor(request))
                if retry_after is not None:
                    return too_many(
                        retry_after, f"Too many requests; try again in {retry_after} s."
                    )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
