"""The outbox's fan-out in a rush: a batch of events costs the same queries however many it
holds. Most gradings (answers made on the page, by learners without a gradebook line) have
nothing to send and are only marked delivered; an answer that came through the API among them
still gets its webhook delivery."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.submissions import submission_event_data
from courseware.models import OutboxEvent, Submission
from courseware.outbox import SCORE_CHANGED, SUBMISSION_FINISHED
from courseware.tasks import grade_submission
from lms.models import WebhookDelivery
from lms.outbox import fan_out
from tests.support.people import api_key_for, make_user

pytestmark = pytest.mark.django_db
RIGHT = {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}}


def page_gradings(count: int, first: int) -> None:
    """What `count` gradings of answers made on the page leave in the outbox."""
    events = []
    for n in range(first, first + count):
        finished = {"submission": n, "grading_round": 1, "status": "graded"}
        changed = {"learner": n, "course": None, "exercise": "m1-chain-rule", "submission": n,
                   "score": 1.0, "previous": None}  # fmt: skip
        events += [OutboxEvent(kind=SUBMISSION_FINISHED, payload=finished),
                   OutboxEvent(kind=SCORE_CHANGED, payload=changed)]  # fmt: skip
    OutboxEvent.objects.bulk_create(events)


def api_grading(client: Client) -> int:
    """An answer sent through the API and graded: its events join the outbox."""
    body = json.dumps({"exercise": "m1-rise-over-run", "answer": RIGHT})
    submission_id = client.post(
        "/api/v1/submissions", body, content_type="application/json"
    ).json()["id"]
    grade_submission.apply(args=(submission_id, 1))
    assert Submission.objects.get(pk=submission_id).status == "graded"
    return submission_id


def fan_out_counted() -> tuple[list[int], int]:
    """The webhook deliveries the fan-out made, and the queries it took."""
    with CaptureQueriesContext(connection) as queries:
        syncs, deliveries = fan_out(submission_event_data)
    assert syncs == []  # no learner here has a gradebook line
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    return deliveries, len(queries)


def test_a_batch_costs_the_same_queries_however_many_events(bank, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True  # the receiver's address; nothing is sent here
    client = Client(headers={"authorization": f"Bearer {api_key_for(make_user('client'))}"})
    hook = {"url": "http://127.0.0.1:9/hook", "events": ["submission.graded"]}
    assert (
        client.post("/api/v1/webhooks", json.dumps(hook), content_type="application/json")
    ).status_code == 201

    counts = []
    for pages, first in ((2, 1_000_000), (80, 2_000_000)):
        through_api = api_grading(client)
        page_gradings(pages, first)
        deliveries, queries = fan_out_counted()
        sent = WebhookDelivery.objects.filter(pk__in=deliveries)
        assert [(d.kind, d.payload["data"]["id"]) for d in sent] == [
            ("submission.graded", through_api)
        ]
        counts.append(queries)
    assert counts[0] == counts[1]
