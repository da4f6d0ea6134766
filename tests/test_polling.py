"""A page waiting for a verdict asks again quickly at first and backs off while the queue is long;
listening for push, it gives up a listen silent for a minute and checks anyway every five."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courseware.grading.intake import poll_delay_ms, submit
from courseware.models import Exercise, Submission
from courseware.variants import current_attempt
from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = pytest.mark.django_db


def test_the_polling_interval_grows_with_the_wait():
    now = timezone.now()
    delays = [
        poll_delay_ms(now - timedelta(seconds=s), now) for s in (0, 0.9, 1, 2.9, 3, 12, 45, 600)
    ]
    assert delays == [100, 100, 400, 400, 1000, 2000, 4000, 4000]


def test_a_pending_submission_fragment_tells_the_page_when_to_ask_again(bank):
    learner = learner_in(make_course())
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    submission = submit(attempt, {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}})
    client = Client()
    assert client.login(username=learner.username, password=PASSWORD)

    client.get(f"/submissions/{submission.pk}/")  # a first request in a process warms it up
    Submission.objects.filter(pk=submission.pk).update(created_at=timezone.now())
    fresh = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Grading…" in fresh
    assert 'data-poll-ms="100"' in fresh
    assert 'data-safety-ms="60000" data-check-ms="300000"' in fresh

    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(seconds=20)
    )
    waiting = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert 'data-poll-ms="2000"' in waiting
    assert 'data-safety-ms="60000"' in waiting

    Submission.objects.filter(pk=submission.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    backlogged = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert 'data-poll-ms="4000"' in backlogged
    assert 'data-safety-ms="60000"' in backlogged
