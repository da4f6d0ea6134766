"""Celery tasks of outbound delivery (the `delivery` queue): outbox fan-out, AGS scores, webhooks."""

from __future__ import annotations

from functools import partial
from typing import Any

from celery import Task, shared_task
from django.db import transaction

from api import webhooks
from lms import delivery, outbox, passback
from lms.models import ScoreSync, WebhookDelivery


@shared_task(ignore_result=True)
def deliver_outbox() -> int:
    """Fan the outbox's new events out to their destinations, release the assessment scores
    whose time has come, and start sending them (kicked when an event commits; the beat runs it
    too, as a safety net and for the releases)."""
    from api.submissions import submission_event_data

    syncs, deliveries = outbox.fan_out(submission_event_data)
    syncs += outbox.release_withheld()
    for sync_id in syncs:
        transaction.on_commit(partial(send_score.delay, sync_id))
    for delivery_id in deliveries:
        transaction.on_commit(partial(send_webhook.delay, delivery_id))
    return len(syncs) + len(deliveries)


@shared_task(bind=True, ignore_result=True, max_retries=delivery.MAX_TRIES, acks_late=True)
def send_score(self: Task[Any, Any], sync_id: int) -> str:
    """Send one score to its gradebook line; retried with backoff on 429 and 5xx."""
    syncs = ScoreSync.objects.select_related("line__registration")
    return delivery.attempt(
        self, syncs, sync_id, passback.post, done=(ScoreSync.State.SENT, "sent_at")
    )


@shared_task(bind=True, ignore_result=True, max_retries=delivery.MAX_TRIES, acks_late=True)
def send_webhook(self: Task[Any, Any], delivery_id: int) -> str:
    """Deliver one webhook event; retried with exponential backoff until it is accepted."""
    deliveries = WebhookDelivery.objects.select_related("webhook", "callback_for__key")
    return delivery.attempt(
        self,
        deliveries,
        delivery_id,
        webhooks.post,
        done=(WebhookDelivery.State.DELIVERED, "delivered_at"),
    )
