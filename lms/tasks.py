"""Celery tasks of the LMS integration: outbox fan-out, AGS score and webhook delivery."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lms import outbox, passback, webhooks
from lms.models import ScoreSync, WebhookDelivery

log = logging.getLogger(__name__)
MAX_TRIES = 8


@shared_task(ignore_result=True)
def deliver_outbox() -> int:
    """Fan score changes out to their destinations, release the assessment scores whose time
    has come, and start sending them."""
    from lms.submission_api import submission_event_data

    created = outbox.fan_out() + outbox.release_withheld()
    for sync_id in created:
        transaction.on_commit(lambda s=sync_id: send_score.delay(s))
    deliveries = webhooks.announce_outcomes(submission_event_data)
    for delivery_id in deliveries:
        transaction.on_commit(lambda d=delivery_id: send_webhook.delay(d))
    return len(created) + len(deliveries)


def backoff_seconds(tries: int) -> float:
    """Exponential backoff: base × 2^(tries-1), at most an hour."""
    return min(settings.LMS_RETRY_BASE_SECONDS * 2 ** max(tries - 1, 0), 3600)


@shared_task(bind=True, ignore_result=True, max_retries=MAX_TRIES, acks_late=True)
def send_score(self, sync_id: int) -> str:
    """Send one score to its gradebook line; retried with backoff on 429 and 5xx."""
    sync = ScoreSync.objects.select_related("line__registration").filter(pk=sync_id).first()
    if sync is None or sync.state != ScoreSync.State.PENDING:
        return "skipped"
    outcome = passback.post(sync)
    tries = sync.tries + 1
    fields = {"tries": tries, "last_error": outcome.detail}
    if outcome.state == "sent":
        fields.update(state=ScoreSync.State.SENT, sent_at=timezone.now())
    elif outcome.state == "failed" or tries > MAX_TRIES:
        fields["state"] = ScoreSync.State.FAILED
    ScoreSync.objects.filter(pk=sync.pk).update(**fields)
    if fields.get("state") is None:
        log.info("score %s to retry: %s", sync.pk, outcome.detail)
        raise self.retry(countdown=outcome.retry_after or backoff_seconds(tries))
    return fields["state"]


@shared_task(bind=True, ignore_result=True, max_retries=MAX_TRIES, acks_late=True)
def send_webhook(self, delivery_id: int) -> str:
    """Deliver one webhook event; retried with exponential backoff until it is accepted."""
    delivery = (
        WebhookDelivery.objects.select_related("webhook", "callback_for__key")
        .filter(pk=delivery_id)
        .first()
    )
    if delivery is None or delivery.state != WebhookDelivery.State.PENDING:
        return "skipped"
    outcome, status, error = webhooks.post(delivery)
    tries = delivery.tries + 1
    fields = {"tries": tries, "response_status": status, "last_error": error}
    if outcome == "delivered":
        fields.update(state=WebhookDelivery.State.DELIVERED, delivered_at=timezone.now())
    elif outcome == "failed" or tries > MAX_TRIES:
        fields["state"] = WebhookDelivery.State.FAILED
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    if "state" not in fields:
        raise self.retry(countdown=backoff_seconds(tries))
    return fields["state"]
