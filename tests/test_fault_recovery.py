"""The system recovers by itself from faults, and nothing is lost or graded twice: workers killed again and
again during a large run, Redis restarted, the database connection dropped."""

import os
import signal

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from courseware.grading.intake import submit
from courseware.models import Exercise, Grading, OutboxEvent, Submission
from courseware.variants import current_attempt
from tangent.celery import app
from tangent.embedded_redis import start_redis, stop
from tangent.queues import DELIVERY
from tests.conftest import _point_at_redis, database_url
from tests.support.faults import (
    SHORT_LEASE,
    assert_graded_exactly_once,
    settle,
    unacknowledged,
    wait_until,
)
from tests.support.people import make_course, make_user
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SUBMISSIONS = int(os.environ.get("TANGENT_FAULT_SUBMISSIONS", "160"))  # 1000 for a longer run
LEARNERS = 20


def attempts(count: int, bank_exercise: str = "m1-graph-derivative-match"):
    exercise = Exercise.objects.get(slug=bank_exercise)
    course = make_course()
    return [current_attempt(make_user(f"learner{i}"), exercise, course) for i in range(count)]


@pytest.fixture(autouse=True)
def quick_sweeps(settings):
    settings.QUEUED_GRACE_SECONDS = 0


def test_workers_killed_again_and_again_lose_nothing_and_double_count_nothing(bank, live_worker):
    rounds = SUBMISSIONS // LEARNERS
    kills = (rounds // 4, rounds // 2, 3 * rounds // 4)
    # The workers that take over start beside the first: each takes over the moment the one
    # before it is killed.
    standbys = [live_worker(concurrency=2, standby=True, **SHORT_LEASE) for _ in kills]
    worker = live_worker(concurrency=2, ready=False, **SHORT_LEASE)
    learners = attempts(LEARNERS)
    worker.wait_ready()
    unfinished_at_kills = []
    for round_ in range(rounds):
        for attempt in learners:
            submit(attempt, {"choices": ["derivative"]})
        if round_ in kills:
            unfinished_at_kills.append(
                Submission.objects.exclude(status__in=["graded", "failed"]).count()
            )
            worker.kill()  # SIGKILL mid-run, then a new worker takes over
            worker = standbys.pop(0).take_over()
    assert len(unfinished_at_kills) == 3 and all(unfinished_at_kills), unfinished_at_kills
    settle(rounds * len(learners))
    assert_graded_exactly_once(rounds * len(learners))
    assert set(Grading.objects.values_list("verdict", flat=True)) == {"correct"}
    # Each learner's best score changed once (nothing to 100%): one outbox event each, never two.
    assert OutboxEvent.objects.filter(kind="score.changed").count() == len(learners)


@pytest.fixture
def own_redis(tmp_path, embedded_redis):
    """A redis-server this test starts (and restarts) on its own port; the site points at it meanwhile."""
    previous = settings.REDIS_PREFIX
    process, url = start_redis(tmp_path / "redis")
    _point_at_redis(url, previous)
    handle = {"process": process, "url": url, "dir": tmp_path / "redis"}
    yield handle
    stop(handle["process"])
    _point_at_redis(embedded_redis, previous)


def test_a_redis_restart_is_survived_and_health_tells_the_truth(bank, live_worker, own_redis):
    learners = attempts(5)
    worker = live_worker(
        REDIS_URL=own_redis["url"], TANGENT_WORKER_HEARTBEAT_SECONDS="1", **SHORT_LEASE
    )
    for attempt in learners:
        submit(attempt, {"choices": ["derivative"]})
    # Redis goes while the worker holds a message it has not acknowledged (one due later, as a
    # retry's back-off or an outbox fan-out is): the worker must reconnect, not die.
    app.signature("lms.tasks.deliver_outbox").apply_async(queue=DELIVERY, countdown=300)
    wait_until(unacknowledged, what="the worker holding a message due later")
    api = Client()
    assert api.get("/api/v1/health").json()["broker"] == "ok"
    own_redis["process"].send_signal(signal.SIGKILL)
    own_redis["process"].wait()
    assert api.get("/api/v1/health").json()["broker"].startswith("unavailable")
    for attempt in learners:  # answers given while Redis is down are stored, not lost
        submit(attempt, {"choices": ["negated"]})
    assert Submission.objects.count() == 10
    port = int(own_redis["url"].rsplit(":", 1)[1].split("/")[0])
    own_redis["process"], _ = start_redis(own_redis["dir"], port=port)
    settle(10, timeout=60)
    assert_graded_exactly_once(10)
    assert worker.process.poll() is None, "the worker died with Redis"
    assert api.get("/api/v1/health").json()["broker"] == "ok"
    # The restarted Redis is empty until the worker's next heartbeat.
    wait_until(lambda: api.get("/api/v1/health").json()["workers"] == 1, timeout=20)


def test_a_dropped_database_connection_is_survived(bank, live_worker):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (CI runs it): the proxy stands between the worker and the server"
        )
    host, port = (
        connection.settings_dict["HOST"] or "127.0.0.1",
        int(connection.settings_dict["PORT"] or 5432),
    )
    proxy = TcpProxy(host, port)
    try:
        url = database_url().replace(f"{host}:{port}", f"127.0.0.1:{proxy.port}")
        live_worker(DATABASE_URL=url, **SHORT_LEASE)
        learners = attempts(10)
        for attempt in learners[:5]:
            submit(attempt, {"choices": ["derivative"]})
        proxy.cut()
        for attempt in learners[5:]:
            submit(attempt, {"choices": ["derivative"]})
        # The worker lost its connection and was refused a new one while the database was away.
        wait_until(lambda: proxy.refused, what="the worker trying the database while it is cut")
        proxy.restore()
        settle(10)
        assert_graded_exactly_once(10)
    finally:
        proxy.close()
