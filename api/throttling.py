"""Per-key request throttling: a fixed one-minute window counted in Redis (courseware.ratelimits)."""

from __future__ import annotations

from django.conf import settings

from courseware import ratelimits

WINDOW_SECONDS = 60


class Throttled(ratelimits.RateLimited):
    """Too many requests with this key; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(
            retry_after, f"Too many requests with this key; retry after {retry_after} s."
        )


def count(key_prefix: str) -> None:
    """Count one request for the key; Throttled once it is over the limit for this minute."""
    limit = ratelimits.Limit("api-key", settings.API_THROTTLE_PER_MINUTE, WINDOW_SECONDS)
    retry_after = ratelimits.hit(limit, key_prefix)
    if retry_after is not None:
        raise Throttled(retry_after)
