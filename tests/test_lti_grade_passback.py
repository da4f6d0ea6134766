"""LTI grade passback (AGS): tokens, retries, refusals and timestamps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from lms.models import ScoreSync
from lms.tasks import deliver_outbox, send_score

pytestmark = pytest.mark.django_db(transaction=True)


# --- grade passback --------------------------------------------------------------------------------


def test_an_expired_token_gets_one_retry_with_a_new_token(graded_learner, platform):
    from lms.passback import SCORE_SCOPE, access_token

    access_token(
        ScoreSync._meta.apps.get_model("lti_tool", "LtiRegistration").objects.get(), [SCORE_SCOPE]
    )
    platform.revoke_tokens()  # the cached token is now refused with 401
    deliver_outbox.apply()
    assert len(platform.scores) == 1
    assert len(platform.token_requests) == 2
    assert ScoreSync.objects.get().state == "sent"


def test_busy_and_failing_platforms_are_retried_with_the_same_timestamp(graded_learner, platform):
    platform.score_replies = [429, 503, 200]
    deliver_outbox.apply()
    assert len(platform.scores) == 1
    stamps = {attempt["timestamp"] for attempt in platform.score_attempts}
    assert len(platform.score_attempts) == 3 and len(stamps) == 1
    assert ScoreSync.objects.get().tries == 3


def test_a_score_the_platform_refuses_is_recorded_as_failed(graded_learner, platform):
    platform.score_replies = [422]
    deliver_outbox.apply()
    sync = ScoreSync.objects.get()
    assert sync.state == "failed"
    assert "422" in sync.last_error
    assert platform.scores == []


def test_score_timestamps_only_move_forward(graded_learner, platform):
    from courseware.models import OutboxEvent
    from lms.models import GradeLine

    line = GradeLine.objects.get()
    line.last_timestamp = timezone.now() + timedelta(minutes=5)  # a clock that ran ahead
    line.save()
    event = OutboxEvent.objects.get(kind="score.changed")
    OutboxEvent.objects.create(kind="score.changed", payload={**event.payload, "score": 0.5})
    deliver_outbox.apply()
    assert len(platform.token_requests) == 1  # the token is cached per registration and scope
    stamps = [s.timestamp for s in ScoreSync.objects.order_by("pk")]
    assert stamps[0] > line.last_timestamp and stamps[1] > stamps[0]
    assert [s["timestamp"] for s in platform.scores] == [
        t.isoformat(timespec="milliseconds") for t in stamps
    ]


def test_a_pending_score_is_not_sent_twice(graded_learner, platform):
    deliver_outbox.apply()
    send_score.apply(args=(ScoreSync.objects.get().pk,))
    assert len(platform.scores) == 1
