"""Per-key request throttling: a fixed one-minute window counted in Redis."""

from __future__ import annotations

import time

from django.conf import settings

from courseware import broker

WINDOW_SECONDS = 60


class Throttled(Exception):
    """Too many requests with this key; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after} s")
        self.retry_after = retry_after


def count(key_prefix: str) -> None:
    """Count one request for the key; Throttled once it is over the limit for this minute."""
    now = time.time()
    window = int(now // WINDOW_SECONDS)
    name = broker.key(f"throttle:{key_prefix}:{window}")
    pipe = broker.client().pipeline()
    pipe.incr(name)
    pipe.expire(name, WINDOW_SECONDS * 2)
    used = pipe.execute()[0]
    if used > settings.API_THROTTLE_PER_MINUTE:
        raise Throttled(max(1, int((window + 1) * WINDOW_SECONDS - now) + 1))
