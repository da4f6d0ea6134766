"""Rate limits kept in Redis (shared by every web process): fixed windows per action and actor.

A limit that cannot be checked because Redis is away lets the request through: the grading queue
needs Redis anyway, and a learner should not be locked out by our outage.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import wraps

import redis
from django.conf import settings
from django.http import HttpResponse

from courseware import broker


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds` for one actor."""

    name: str
    count: int
    seconds: int


def configured(name: str) -> Limit:
    count, seconds = settings.RATE_LIMITS[name]
    return Limit(name, count, seconds)


def hit(limit: Limit, actor: str) -> int | None:
    """Count one event; None if allowed, else the seconds until the window resets."""
    window = int(time.time() // limit.seconds)
    key = broker.key(f"rate:{limit.name}:{actor}:{window}")
    try:
        pipe = broker.client().pipeline()
        pipe.incr(key)
        pipe.expire(key, limit.seconds + 1)
        count, _ = pipe.execute()
    except redis.RedisError:
        return None
    if count <= limit.count:
        return None
    return max(1, limit.seconds - int(time.time()) % limit.seconds)


def peek(limit: Limit, actor: str) -> int | None:
    """Like `hit` without counting: the seconds left if the actor is already over the limit."""
    window = int(time.time() // limit.seconds)
    try:
        count = int(broker.client().get(broker.key(f"rate:{limit.name}:{actor}:{window}")) or 0)
    except redis.RedisError:
        return None
    if count < limit.count:
        return None
    return max(1, limit.seconds - int(time.time()) % limit.seconds)


def too_many(retry_after: int, message: str) -> HttpResponse:
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(retry_after)
    return response


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def limited(
    name: str,
    actor=lambda request: str(request.user.pk or client_address(request)),
    methods=("POST",),
):
    """View decorator: refuse with 429 and Retry-After once the actor is over the named limit."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method in methods:
                retry_after = hit(configured(name), actor(request))
                if retry_after is not None:
                    return too_many(
                        retry_after, f"Too many requests; try again in {retry_after} s."
                    )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate
