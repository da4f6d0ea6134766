"""Grading events: the moment a grading is recorded (or a code grading reports progress), the
page waiting for it learns at once through the push service (tangent/events.py).

A page that shows a pending submission gets a signed events token for it: the token names one
submission and grants nothing but the right to hear "graded" or "progress" for it, so the push
service needs no session, no database and no thread per waiting learner. The page then fetches
the fragment itself, through the usual authorised route. An API client gets one too, bound to
its key (`holder`: the key's digest), so the service hears it only from that key's bearer.
"""

from __future__ import annotations

import contextlib

import redis
from django.conf import settings
from django.core import signing
from django.db import transaction

from tangent import redis_client

SALT = "tangent.grading-events"
TOKEN_SECONDS = 3600  # a page left open longer falls back to polling
DONE_SECONDS = 600  # how long "graded" is remembered for a listener that subscribes late


CHANNELS = "events:submission:"


def channel(submission_id: int) -> str:
    return redis_client.key(f"{CHANNELS}{submission_id}")


def every_channel() -> str:
    """The pattern of every submission's channel (the prefix's glob characters escaped)."""
    escaped = "".join(f"\\{c}" if c in "*?[]\\" else c for c in redis_client.key(CHANNELS))
    return f"{escaped}*"


def done_key(submission_id: int) -> str:
    return redis_client.key(f"events:done:{submission_id}")


def _salt(holder: str) -> str:
    return f"{SALT}:{holder}" if holder else SALT


def token_for(submission_id: int, holder: str = "") -> str:
    """A page's token (`holder` empty), or an API key's (`holder`: the key's digest)."""
    return signing.dumps(submission_id, salt=_salt(holder), compress=False)


def submission_in(token: str, holder: str = "") -> int | None:
    """The submission a token names, or None when it is forged, altered, too old, or made for
    another holder than the one presenting it."""
    try:
        value = signing.loads(token, salt=_salt(holder), max_age=TOKEN_SECONDS)
    except signing.BadSignature:
        return None
    return value if isinstance(value, int) else None


def events_url(submission_id: int, holder: str = "") -> str:
    """Where the page (or the key `holder`) listens for the submission's events ("" when push
    is switched off)."""
    base = settings.TANGENT_EVENTS_URL
    return f"{base.rstrip('/')}/graded/{token_for(submission_id, holder)}" if base else ""


def announce_done(submission_id: int) -> None:
    """Tell listeners the submission's grading is recorded, once the transaction commits."""
    transaction.on_commit(lambda: _publish(submission_id, "graded", remember=True))


def announce_progress(submission_id: int) -> None:
    _publish(submission_id, "progress")


def _publish(submission_id: int, event: str, remember: bool = False) -> None:
    with contextlib.suppress(redis.RedisError):  # a missed event costs a poll, never a grading
        pipe = redis_client.client().pipeline(transaction=False)  # one round trip
        if remember:
            pipe.set(done_key(submission_id), "1", ex=DONE_SECONDS)
        pipe.publish(channel(submission_id), event)
        pipe.execute()
