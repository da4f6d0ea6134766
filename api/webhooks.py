"""Signed webhook events about API submissions, and their deliveries.

Each event has an id that stays the same on every retry, so receivers can drop duplicates.
The signature header is `Tangent-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` over
`<t>.<raw body>`, keyed by the webhook's secret (for a submission's callback_url: the callback
secret of the API key that made the submission). docs/api.md shows how to check it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from django.contrib.auth.models import User
from django.utils import timezone

from courseware.models import Submission
from lms import outbound, vault
from lms.delivery import FAILED, RETRY, SENT, Outcome
from lms.models import ApiSubmission, Webhook, WebhookDelivery

# A submission as JSON-ready data, as the API shows it to a client (api.submissions).
SubmissionSerialiser = Callable[[Submission, User], dict[str, Any]]

SIGNATURE_HEADER = "Tangent-Signature"
EVENT_HEADER = "Tangent-Event-Id"
TEST_EVENT = "webhook.test"
OUTCOMES = {
    Submission.Status.GRADED: "submission.graded",
    Submission.Status.FAILED: "submission.failed",
}


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def register(client: User, url: str, events: list[str]) -> tuple[Webhook, str]:
    """A new webhook (URL checked); the plain secret is returned once."""
    outbound.check_url(url)
    secret = new_secret()
    webhook = Webhook.objects.create(
        client=client, url=url, events=events, secret=vault.encrypt(secret)
    )
    return webhook, secret


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event(kind: str, data: dict[str, Any], event_id: uuid.UUID | None = None) -> dict[str, Any]:
    return {
        "id": str(event_id or uuid.uuid4()),
        "type": kind,
        "created": timezone.now().isoformat(timespec="seconds"),
        "data": data,
    }


def queue_test(webhook: Webhook) -> WebhookDelivery:
    payload = event(TEST_EVENT, {"webhook": webhook.pk})
    return WebhookDelivery.objects.create(
        event_id=payload["id"], kind=TEST_EVENT, webhook=webhook, url=webhook.url, payload=payload
    )


def announce_each(finished: list[dict[str, Any]], serialise: SubmissionSerialiser) -> list[int]:
    """announce() for each payload of a batch; one query first finds which submissions were made
    through the API (most gradings were not, and have nothing to announce)."""
    if not finished:
        return []
    through_api = set(
        ApiSubmission.objects.filter(
            submission_id__in={payload["submission"] for payload in finished}
        ).values_list("submission_id", flat=True)
    )
    return [
        delivery
        for payload in finished
        if payload["submission"] in through_api
        for delivery in announce(payload, serialise)
    ]


def announce(finished: dict[str, Any], serialise: SubmissionSerialiser) -> list[int]:
    """Deliveries of a finished grading round (a "submission.finished" outbox payload) to the
    webhooks of the submission's API client and its callback URL; none for a submission not made
    through the API, or for a round already announced.

    `serialise(submission, client)` is the submission as its client sees it through the API.
    """
    record = (
        ApiSubmission.objects.select_for_update(of=("self",))
        .select_related(
            "submission__grading",
            "submission__attempt__exercise_version__exercise",
            "key",
            "client",
        )
        .filter(submission_id=finished["submission"])
        .first()
    )
    grading_round = finished["grading_round"]
    kind = OUTCOMES.get(finished["status"])
    if record is None or kind is None or record.notified_round >= grading_round:
        return []
    submission = record.submission
    event_id = uuid.uuid5(uuid.NAMESPACE_URL, f"tangent:{submission.pk}:{grading_round}:{kind}")
    payload = event(kind, serialise(submission, record.client), event_id)
    created: list[int] = []
    for webhook in Webhook.objects.filter(client=record.client, deleted_at__isnull=True):
        if kind in webhook.events:
            delivery, new = WebhookDelivery.objects.get_or_create(
                webhook=webhook,
                event_id=event_id,
                defaults={"kind": kind, "url": webhook.url, "payload": payload},
            )
            created += [delivery.pk] if new else []
    if record.callback_url and record.key is not None:
        delivery = WebhookDelivery.objects.create(
            event_id=event_id,
            kind=kind,
            callback_for=record,
            url=record.callback_url,
            payload=payload,
        )
        created.append(delivery.pk)
    record.notified_round = grading_round
    record.save(update_fields=["notified_round"])
    return created


def secret_for(delivery: WebhookDelivery) -> str | None:
    """The secret signing the delivery: its webhook's, or the callback secret of the key that
    asked for the callback (None once that key is deleted)."""
    if delivery.webhook is not None:
        return vault.decrypt(delivery.webhook.secret)
    key = delivery.callback_for.key if delivery.callback_for is not None else None
    return None if key is None else vault.decrypt(key.callback_secret)


def post(delivery: WebhookDelivery) -> Outcome:
    """One try at delivering the event (the receiver's HTTP status is recorded with it)."""
    secret = secret_for(delivery)
    if secret is None:
        detail = "the API key that asked for this callback was deleted"
        return Outcome(FAILED, detail, fields={"response_status": None})
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature(secret, int(time.time()), body),
        EVENT_HEADER: str(delivery.event_id),
        "User-Agent": "Tangent-Webhooks/1",
    }
    try:
        response = outbound.send("POST", delivery.url, data=body, headers=headers)
    except outbound.UnsafeUrl as error:
        return Outcome(FAILED, str(error), fields={"response_status": None})
    except requests.RequestException as error:
        detail = f"could not connect: {error.__class__.__name__}"
        return Outcome(RETRY, detail, fields={"response_status": None})
    status = {"response_status": response.status_code}
    if 200 <= response.status_code < 300:
        return Outcome(SENT, fields=status)
    return Outcome(RETRY, f"receiver answered {response.status_code}", fields=status)
