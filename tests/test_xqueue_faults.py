"""The XQueue worker against the faults of a real deployment: it waits them out and grades once.

The queue server is tests/support/xqueue_server.py, which behaves as Open edX's XQueue does
(sessions, pull timeouts and redelivery, put_result calling the LMS), with its processing delay
shortened; the worker runs in a thread as `manage.py xqueue_worker` runs it.
"""

from __future__ import annotations

import logging

import pytest

from api.learners import learner_for
from courseware.accounts import service_user
from courseware.grading.intake import attempts_used
from courseware.models import Exercise, Submission
from courseware.variants import attempt_with_seed, table_seed
from lms.models import XQueueSubmission
from tangent.celery import app
from tests.support.faults import wait_until
from tests.support.grading import expression_text
from tests.support.xqueue_server import FakeXQueue
from tests.support.xqueue_worker import RunningWorker, xqueue_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager(bank):
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def right_answer(student: str = "anon-1", row: int = 3) -> str:
    learner = learner_for(service_user("xqueue-tangent-calc"), student)
    exercise = Exercise.objects.get(slug="m1-chain-rule")
    return expression_text(attempt_with_seed(learner, exercise, table_seed(exercise.slug, row)))


def answered(server: FakeXQueue, number: int, count: int = 1) -> list[dict]:
    return wait_until(
        lambda: len(server.results(number)) >= count and server.results(number),
        what=f"{count} result(s) for XQueue submission {number}",
    )


def test_the_worker_waits_out_a_queue_that_is_down_and_grades_when_it_is_back(eager, caplog):
    caplog.set_level(logging.INFO, logger="lms.xqueue")
    with FakeXQueue() as server, RunningWorker(server) as worker:
        first = server.submit(xqueue_body(right_answer()))
        assert answered(server, first)[0]["correct"] is True
        server.stop()
        wait_until(lambda: caplog.text.count("XQueue unavailable") >= 2, what="two retries")
        second = server.submit(xqueue_body(right_answer("anon-2"), student="anon-2"))
        server.start()
        assert answered(server, second)[0]["correct"] is True
        assert worker.alive
    assert "Connection refused" in caplog.text or "ConnectionError" in caplog.text
    assert "retrying in" in caplog.text


def test_the_worker_logs_in_again_when_its_session_is_lost(eager, caplog):
    caplog.set_level(logging.INFO, logger="lms.xqueue")
    with FakeXQueue() as server, RunningWorker(server):
        first = server.submit(xqueue_body(right_answer()))
        answered(server, first)
        server.forget_sessions()  # what Django's session expiry does, at the latest after 2 weeks
        second = server.submit(xqueue_body(right_answer()))
        assert answered(server, second)[0]["correct"] is True
    assert server.logins == 2
    assert "XQueue session lost" in caplog.text


def test_a_put_back_slower_than_the_timeout_does_not_stop_the_worker(eager):
    with FakeXQueue() as server, RunningWorker(server, timeout=0.5) as worker:
        server.put_delays = [1.5]  # the LMS answers XQueue's callback slowly
        slow = server.submit(xqueue_body(right_answer()))
        wait_until(lambda: server.results(slow), what="the slow put-back")
        after = server.submit(xqueue_body(right_answer("anon-2"), student="anon-2"))
        assert answered(server, after)[0]["correct"] is True
        assert worker.alive
    assert {result["correct"] for result in server.results(slow)} == {True}
    assert Submission.objects.count() == 2


def test_a_redelivered_submission_is_answered_again_but_graded_once(eager):
    with FakeXQueue(processing_delay=0.5) as server, RunningWorker(server):
        server.lms_failures = 1  # the LMS fails the first callback: XQueue hands it out again
        number = server.submit(xqueue_body(right_answer()))
        first, second = answered(server, number, count=2)
    assert first == second and first["correct"] is True
    record = XQueueSubmission.objects.get(xqueue_id=number)
    assert record.pulls == 2
    assert Submission.objects.count() == 1
    learner = record.submission.attempt.learner
    assert attempts_used(learner, record.submission.attempt.exercise) == 1


@pytest.mark.worker
def test_slow_grading_is_never_answered_as_zero_and_the_redelivery_gets_the_grade(
    bank, live_worker
):
    with FakeXQueue(processing_delay=0.4) as server, RunningWorker(server):
        number = server.submit(xqueue_body(right_answer()))  # no Celery worker is running
        wait_until(
            lambda: XQueueSubmission.objects.filter(xqueue_id=number, pulls__gte=3).exists(),
            what="two redeliveries",
        )
        assert server.results(number) == []
        live_worker()
        [result] = answered(server, number)
    assert (result["correct"], result["score"]) == (True, 1.0)
    assert Submission.objects.get().grading.verdict == "correct"
