"""API: webhooks (register, list, delete, send a test event, see deliveries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api import webhooks
from api.access import ApiRequest, refuse_personal, require_scope
from api.parsing import Input
from api.problems import BODY, KEYED, documented
from lms import outbound
from lms.models import ApiKey, Webhook, WebhookDelivery

router = Router(tags=["webhooks"])


class WebhookIn(Input):
    url: str = Field(min_length=1, max_length=1000, description="An https URL on a public address.")
    events: list[Webhook.Event] = Field([Webhook.Event.GRADED, Webhook.Event.FAILED], min_length=1)


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


def describe(webhook: Webhook) -> dict[str, Any]:
    return {
        "id": webhook.pk,
        "url": webhook.url,
        "events": webhook.events,
        "created_at": webhook.created_at,
    }


def webhook_or_404(request: ApiRequest, webhook_id: int) -> Webhook:
    webhook = Webhook.objects.filter(
        pk=webhook_id, client=request.auth.user, deleted_at__isnull=True
    ).first()
    if webhook is None:
        raise HttpError(404, "No such webhook.")
    return webhook


@router.post("/webhooks", response={201: WebhookCreated}, openapi_extra=documented(*KEYED, *BODY))
def register_webhook(request: ApiRequest, payload: WebhookIn) -> Status[dict[str, Any]]:
    """Register an https URL for events about the submissions the key's owner makes through the
    API; the signing secret is shown only here."""
    principal = require_scope(request, ApiKey.Scope.SUBMIT)
    refuse_personal(request, "manage webhooks")
    try:
        webhook, secret = webhooks.register(
            principal.user, payload.url, sorted({str(e) for e in payload.events})
        )
    except outbound.UnsafeUrl as error:
        raise HttpError(422, str(error)) from error
    return Status(201, {**describe(webhook), "secret": secret})


@router.get("/webhooks", response=WebhookList, openapi_extra=documented(*KEYED))
def list_webhooks(request: ApiRequest) -> dict[str, Any]:
    principal = require_scope(request, ApiKey.Scope.READ)
    refuse_personal(request, "manage webhooks")
    hooks = Webhook.objects.filter(client=principal.user, deleted_at__isnull=True)
    return {"items": [describe(h) for h in hooks.order_by("pk")], "next": None}


@router.delete(
    "/webhooks/{webhook_id}", response={204: None}, openapi_extra=documented(*KEYED, 404, 422)
)
def delete_webhook(request: ApiRequest, webhook_id: int) -> Status[None]:
    require_scope(request, ApiKey.Scope.SUBMIT)
    refuse_personal(request, "manage webhooks")
    webhook = webhook_or_404(request, webhook_id)
    webhook.deleted_at = timezone.now()
    webhook.save(update_fields=["deleted_at"])
    return Status(204, None)


@router.post(
    "/webhooks/{webhook_id}/test",
    response={202: DeliveryOut},
    openapi_extra=documented(*KEYED, 404, 422),
)
def send_test_event(request: ApiRequest, webhook_id: int) -> Status[dict[str, Any]]:
    """Send a `webhook.test` event now, to check the receiver and its signature check."""
    from lms.tasks import send_webhook

    require_scope(request, ApiKey.Scope.SUBMIT)
    refuse_personal(request, "manage webhooks")
    webhook = webhook_or_404(request, webhook_id)
    delivery = webhooks.queue_test(webhook)
    transaction.on_commit(lambda: send_webhook.delay(delivery.pk))
    return Status(202, describe_delivery(delivery))


def describe_delivery(delivery: WebhookDelivery) -> dict[str, Any]:
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


@router.get(
    "/webhooks/{webhook_id}/deliveries",
    response=DeliveryList,
    openapi_extra=documented(*KEYED, 404, 422),
)
def list_deliveries(request: ApiRequest, webhook_id: int) -> dict[str, Any]:
    """The delivery log of a webhook, newest first (the last 200)."""
    require_scope(request, ApiKey.Scope.READ)
    refuse_personal(request, "manage webhooks")
    webhook = webhook_or_404(request, webhook_id)
    return {"items": [describe_delivery(d) for d in webhook.deliveries.all()[:200]], "next": None}
