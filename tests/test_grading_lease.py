"""A worker's claim on a submission (courseware.grading.pipeline.claim): one statement takes the
lease; a live lease sends another delivery away to come back when it ends; an expired one is
taken again; a finished, cancelled or superseded round is left alone."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courseware.grading import pipeline
from courseware.models import Submission
from tests.support.histories import power_rule, variant
from tests.support.people import learner_in, make_course


@pytest.fixture
def queued(bank):
    attempt = variant(learner_in(make_course()), power_rule(), {"a": 3, "k": 2})
    return Submission.objects.create(attempt=attempt, answer={"value": "6x^2"})


def stored(submission: Submission) -> tuple:
    row = Submission.objects.get(pk=submission.pk)
    return row.status, row.deliveries, row.lease_expires_at


@pytest.mark.django_db
def test_a_queued_submission_is_claimed_with_its_attempt_and_exercise(queued, settings):
    before = timezone.now()
    claimed = pipeline.claim(queued.pk, 1)
    assert claimed is not None
    assert (claimed.pk, claimed.attempt.exercise_version.exercise.slug) == (
        queued.pk,
        "t-power-rule",
    )
    status, deliveries, lease = stored(queued)
    assert (status, deliveries) == ("running", 1)
    lease_seconds = (lease - before).total_seconds()
    assert settings.GRADING_LEASE_SECONDS - 5 < lease_seconds <= settings.GRADING_LEASE_SECONDS + 5


@pytest.mark.django_db
def test_a_live_lease_sends_another_delivery_away_until_it_ends(queued, settings):
    pipeline.claim(queued.pk, 1)
    with pytest.raises(pipeline.Busy) as busy:
        pipeline.claim(queued.pk, 1)
    assert settings.GRADING_LEASE_SECONDS - 5 < busy.value.seconds <= settings.GRADING_LEASE_SECONDS
    assert stored(queued)[:2] == ("running", 1)


@pytest.mark.django_db
def test_an_expired_lease_is_taken_again(queued):
    pipeline.claim(queued.pk, 1)
    Submission.objects.filter(pk=queued.pk).update(
        lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert pipeline.claim(queued.pk, 1) is not None
    status, deliveries, lease = stored(queued)
    assert (status, deliveries) == ("running", 2) and lease > timezone.now()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "grading_round", "claimed_round"),
    [("graded", 1, 1), ("failed", 1, 1), ("cancelled", 1, 1), ("queued", 2, 1)],
)
def test_nothing_is_claimed_past_its_round(queued, status, grading_round, claimed_round):
    Submission.objects.filter(pk=queued.pk).update(status=status, grading_round=grading_round)
    assert pipeline.claim(queued.pk, claimed_round) is None
    assert stored(queued) == (status, 0, None)


@pytest.mark.django_db(transaction=True)
def test_the_claim_is_one_statement_whose_commit_does_not_wait_for_the_disk(queued):
    with CaptureQueriesContext(connection) as queries:
        assert pipeline.claim(queued.pk, 1) is not None
    writes = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(writes) == 1
    assert "set_config('synchronous_commit', 'off', true)" in writes[0]
    assert len(queries.captured_queries) == 2  # the UPDATE, then the submission with its exercise
    with connection.cursor() as cursor:  # the setting ended with the claim's own transaction
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone() == ("on",)
