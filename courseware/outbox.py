"""The one outbox for everything Tangent tells the outside: a row written in the same transaction
as the change it reports, and a kick of the delivery task once that transaction commits.

Kinds: `score.changed` (a learner's best score on an exercise moved: LTI gradebooks) and
`submission.finished` (a grading request ended, graded or failed: webhooks and callbacks).
`lms.outbox.fan_out` turns events into deliveries; the beat's run is only a safety net.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from courseware.models import OutboxEvent
from tangent import redis_client
from tangent.queues import DELIVERY

SCORE_CHANGED = "score.changed"
SUBMISSION_FINISHED = "submission.finished"
KINDS = (SCORE_CHANGED, SUBMISSION_FINISHED)
KICK_SECONDS = 0.5  # events committed within this window are fanned out together
KICK_KEY = "outbox:kick"  # set while a fan-out is due (under the deployment's Redis prefix)


def publish(*events: tuple[str, dict[str, Any]]) -> None:
    """Record events, each a (kind, payload), in the caller's transaction with one statement;
    delivery starts when it commits."""
    OutboxEvent.objects.bulk_create(
        [OutboxEvent(kind=kind, payload=payload) for kind, payload in events]
    )
    transaction.on_commit(kick, robust=True)


def kick() -> None:
    """Start a fan-out in KICK_SECONDS, unless one is already due then (a rush of gradings makes
    one fan-out per window, not one per grading). Every event committed before the window closes
    is seen by that fan-out: it runs after the window, and the window's key outlives no event."""
    from tangent.celery import app

    due = redis_client.client().set(
        redis_client.key(KICK_KEY), 1, nx=True, px=int(KICK_SECONDS * 1000)
    )
    if due:
        app.signature("lms.tasks.deliver_outbox").apply_async(
            queue=DELIVERY, countdown=KICK_SECONDS
        )
