"""API: webhooks (register, list, delete, send a test event, see deliveries)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from lms import outbound, webhooks
from lms.api_access import client_of, require_scope
from lms.models import ApiKey, Webhook

router = Router(tags=["webhooks"])


class WebhookIn(Schema):
    url: str
    events: list[Webhook.Event] = [Webhook.Event.GRADED, Webhook.Event.FAILED]


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str


class WebhookList(Schema):
    items: list[WebhookOut]
    next: str | None = None


class DeliveryOut(Schema):
    id: int
    event_id: str
    type: str
    state: str
    tries: int
    response_status: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None


class DeliveryList(Schema):
    items: list[DeliveryOut]
    next: str | None = None


def describe(webhook: Webhook) -> dict:
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "events": webhook.events,
        "created_at": webhook.created_at,
    }


def webhook_or_404(request, webhook_id: int) -> Webhook:
    webhook = Webhook.objects.filter(
        pk=webhook_id, client=client_of(request), deleted_at__isnull=True
    ).first()
    if webhook is None:
        raise HttpError(404, "No such webhook.")
    return webhook


@router.post("/webhooks", response={201: WebhookCreated})
def register_webhook(request, payload: WebhookIn):
    """Register an https URL for events; the signing secret is shown only here."""
    require_scope(request, ApiKey.Scope.SUBMIT)
    if not payload.events:
        raise HttpError(422, "Name at least one event.")
    try:
        webhook, secret = webhooks.register(
            client_of(request), payload.url, sorted({str(e) for e in payload.events})
        )
    except outbound.UnsafeUrl as error:
        raise HttpError(422, str(error)) from error
    return Status(201, {**describe(webhook), "secret": secret})


@router.get("/webhooks", response=WebhookList)
def list_webhooks(request):
    require_scope(request, ApiKey.Scope.READ)
    hooks = Webhook.objects.filter(client=client_of(request), deleted_at__isnull=True)
    return {"items": [describe(h) for h in hooks.order_by("pk")], "next": None}


@router.delete("/webhooks/{webhook_id}", response={204: None})
def delete_webhook(request, webhook_id: int):
    require_scope(request, ApiKey.Scope.SUBMIT)
    webhook = webhook_or_404(request, webhook_id)
    webhook.deleted_at = timezone.now()
    webhook.save(update_fields=["deleted_at"])
    return Status(204, None)


@router.post("/webhooks/{webhook_id}/test", response={202: DeliveryOut})
def send_test_event(request, webhook_id: int):
    """Send a `webhook.test` event now, to check the receiver and its signature check."""
    from lms.tasks import send_webhook

    require_scope(request, ApiKey.Scope.SUBMIT)
    webhook = webhook_or_404(request, webhook_id)
    delivery = webhooks.queue_test(webhook)
    transaction.on_commit(lambda: send_webhook.delay(delivery.pk))
    return Status(202, describe_delivery(delivery))


def describe_delivery(delivery) -> dict:
    return {
        "id": delivery.pk,
        "event_id": str(delivery.event_id),
        "type": delivery.kind,
        "state": delivery.state,
        "tries": delivery.tries,
        "response_status": delivery.response_status,
        "last_error": delivery.last_error,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
    }


@router.get("/webhooks/{webhook_id}/deliveries", response=DeliveryList)
def list_deliveries(request, webhook_id: int):
    """The delivery log of a webhook, newest first (the last 200)."""
    require_scope(request, ApiKey.Scope.READ)
    webhook = webhook_or_404(request, webhook_id)
    return {"items": [describe_delivery(d) for d in webhook.deliveries.all()[:200]], "next": None}
