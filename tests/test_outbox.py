"""One outbox for webhooks and LTI scores: sent when the grading commits, on their own queue."""

import json

import pytest
from django.test import Client

from courseware.models import OutboxEvent, Submission
from lms.models import WebhookDelivery
from tangent.queues import CODE, DELIVERY, GRADING
from tests.support.faults import wait_until
from tests.support.people import api_key_for, make_user
from tests.support.receiver import Receiver

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
RIGHT = {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}}


def test_a_slow_webhook_receiver_holds_up_neither_grading_nor_the_next_event(
    bank, live_worker, settings
):
    """No beat runs: each grading's commit starts its delivery, on the delivery queue's worker
    (the only one that may reach a private address), while the grading queue's worker goes on
    grading."""
    settings.OUTBOUND_ALLOW_PRIVATE = True
    delivering = live_worker(queues=(DELIVERY,), ready=False, TANGENT_OUTBOUND_ALLOW_PRIVATE="1")
    live_worker(queues=(GRADING, CODE))
    delivering.wait_ready()
    client = Client(headers={"authorization": f"Bearer {api_key_for(make_user('client'))}"})
    with Receiver() as receiver:
        receiver.hold()  # it answers nothing until the test releases it
        hook = {"url": receiver.url, "events": ["submission.graded"]}
        client.post("/api/v1/webhooks", json.dumps(hook), content_type="application/json")

        def submit() -> int:
            body = json.dumps({"exercise": "m1-rise-over-run", "answer": RIGHT})
            created = client.post("/api/v1/submissions", body, content_type="application/json")
            return created.json()["id"]

        first = submit()
        wait_until(lambda: receiver.requests, what="the first event's delivery")  # held
        second = submit()
        wait_until(lambda: Submission.objects.get(pk=second).status == "graded")
        assert not WebhookDelivery.objects.filter(state="delivered").exists()  # still waiting
        receiver.release()
        wait_until(
            lambda: WebhookDelivery.objects.filter(state="delivered").count() == 2, timeout=60
        )
    events = [json.loads(r["body"]) for r in receiver.requests]
    assert [e["data"]["id"] for e in events] == [first, second]
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
