"""The outbox's fan-out in a rush: a batch of events costs the same few queries however many it
holds, when (as for most gradings) no learner has a gradebook line and no answer came through the
API; such events are marked delivered with nothing to send."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.submissions import submission_event_data
from courseware.models import OutboxEvent
from courseware.outbox import SCORE_CHANGED, SUBMISSION_FINISHED
from lms.outbox import fan_out

pytestmark = pytest.mark.django_db


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


def queries_of_a_fan_out() -> int:
    with CaptureQueriesContext(connection) as queries:
        assert fan_out(submission_event_data) == ([], [])
    assert not OutboxEvent.objects.filter(delivered_at__isnull=True).exists()
    return len(queries)


def test_a_batch_costs_the_same_queries_however_many_events():
    page_gradings(2, first=1_000_000)
    few = queries_of_a_fan_out()
    page_gradings(80, first=2_000_000)
    many = queries_of_a_fan_out()
    # the events locked, the learners' lines, the API's submissions, the events marked delivered
    # (and the transaction's savepoint, made and released, inside the test's)
    assert few == many <= 6
