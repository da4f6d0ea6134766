"""Grading events: the moment a grading is recorded (or a code grading reports progress), the
page waiting for it learns at once through the push service (tangent/events.py).

Every announcement is made good: the beat runs `announce_missed` every few seconds, which
announces again each recent grading whose "graded" never reached Redis (its worker died between
the commit and the publish, or Redis was away for a moment), so a page listening for push hears
every verdict and checks on its own only once a minute.

A page that shows a pending submission gets a signed events token for it: the token names one
submission and grants nothing but the right to hear "graded" or "progress" for it, so the push
service needs no session, no database and no thread per waiting learner. The page then fetches
the fragment itself, through the usual authorised route. An API client gets one too, bound to
its key (`holder`: the key's digest), so the service hears it only from that key's bearer.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone

from courseware.models import Submission
from tangent import redis_client

SALT = "tangent.grading-events"
TOKEN_SECONDS = 3600  # a page left open longer falls back to polling
DONE_SECONDS = 600  # how long "graded" is remembered for a listener that subscribes late
MISSED_SECONDS = 60  # how far back announce_missed looks for gradings whose "graded" was lost


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
    transaction.on_commit(lambda: announce_graded([submission_id]))


def announce_graded(submission_ids: list[int]) -> None:
    """Tell these submissions' listeners now that they are graded, and remember it for a
    listener that subscribes later (one round trip)."""
    _publish(submission_ids, "graded", remember=True)


def announce_progress(submission_id: int) -> None:
    _publish([submission_id], "progress")


def _publish(submission_ids: list[int], event: str, remember: bool = False) -> None:
    with contextlib.suppress(redis.RedisError):  # a missed event costs a poll, never a grading
        pipe = redis_client.client().pipeline(transaction=False)
        for submission_id in submission_ids:
            if remember:
                pipe.set(done_key(submission_id), "1", ex=DONE_SECONDS)
            pipe.publish(channel(submission_id), event)
        pipe.execute()


def announce_missed(now: datetime | None = None) -> int:
    """Announce "graded" again for each submission finished in the last MISSED_SECONDS whose
    announcement is not remembered in Redis (lost, or Redis lost it); returns how many."""
    since = (now or timezone.now()) - timedelta(seconds=MISSED_SECONDS)
    finished = list(
        Submission.objects.filter(
            status__in=Submission.FINISHED,
            updated_at__gte=since,
        ).values_list("pk", flat=True)
    )
    if not finished:
        return 0
    pipe = redis_client.client().pipeline(transaction=False)
    for submission_id in finished:
        pipe.exists(done_key(submission_id))
    missed = [pk for pk, known in zip(finished, pipe.execute(), strict=True) if not known]
    if missed:
        announce_graded(missed)
    return len(missed)
