"""The system recovers by itself from faults, and nothing is lost or graded twice: workers killed again and
again during a large run, Redis restarted, the database connection dropped."""

import os
import signal
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from courseware.grading.intake import submit
from courseware.models import Exercise, Grading, OutboxEvent, Submission
from courseware.tasks import sweep_stuck_submissions
from courseware.variants import current_attempt
from tangent.embedded_redis import start_redis, stop
from tests.conftest import _point_at_redis, database_url
from tests.support.people import make_course, make_user
from tests.support.tcp_proxy import TcpProxy

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SUBMISSIONS = int(os.environ.get("TANGENT_FAULT_SUBMISSIONS", "400"))  # 1000 for a longer run
FAST_RECOVERY = {"TANGENT_GRADING_LEASE_SECONDS": "3"}


def attempts(count: int, bank_exercise: str = "m1-graph-derivative-match"):
    exercise = Exercise.objects.get(slug=bank_exercise)
    course = make_course()
    return [current_attempt(make_user(f"learner{i}"), exercise, course) for i in range(count)]


def settle(expected: int, timeout: float = 180) -> None:
    """Sweep (as beat would) until every submission has ended; fail if any is stuck."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if Submission.objects.filter(status__in=["graded", "failed"]).count() == expected:
            return
        try:
            sweep_stuck_submissions()
        except Exception:  # the broker may still be coming back
            pass
        time.sleep(2)
    stuck = Submission.objects.exclude(status__in=["graded", "failed"]).values_list("pk", "status")[
        :10
    ]
    raise AssertionError(f"not all submissions ended: {list(stuck)}")


def assert_graded_exactly_once(count: int) -> None:
    assert Submission.objects.count() == count
    assert Submission.objects.filter(status="graded").count() == count
    assert Grading.objects.count() == count  # one committed grading per submission, none doubled


@pytest.fixture(autouse=True)
def quick_sweeps(settings):
    settings.QUEUED_GRACE_SECONDS = 0


def test_workers_killed_again_and_again_lose_nothing_and_double_count_nothing(bank, live_worker):
    learners = attempts(50)
    worker = live_worker(concurrency=2, **FAST_RECOVERY)
    per_learner = SUBMISSIONS // len(learners)
    for round_ in range(per_learner):
        for attempt in learners:
            submit(attempt, {"choices": ["derivative"]})
        if round_ in (per_learner // 4, per_learner // 2, 3 * per_learner // 4):
            worker.kill()  # SIGKILL mid-run, then a new worker takes over
            worker = live_worker(concurrency=2, **FAST_RECOVERY)
    settle(per_learner * len(learners))
    assert_graded_exactly_once(per_learner * len(learners))
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
    live_worker(REDIS_URL=own_redis["url"], **FAST_RECOVERY)
    for attempt in learners:
        submit(attempt, {"choices": ["derivative"]})
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
    settle(10)
    assert_graded_exactly_once(10)
    assert api.get("/api/v1/health").json()["broker"] == "ok"
    deadline = (
        time.monotonic() + 20
    )  # the restarted Redis is empty until the worker's next heartbeat
    while api.get("/api/v1/health").json()["workers"] != 1 and time.monotonic() < deadline:
        time.sleep(0.5)
    assert api.get("/api/v1/health").json()["workers"] == 1


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
        live_worker(DATABASE_URL=url, **FAST_RECOVERY)
        learners = attempts(10)
        for attempt in learners[:5]:
            submit(attempt, {"choices": ["derivative"]})
        proxy.cut()
        for attempt in learners[5:]:
            submit(attempt, {"choices": ["derivative"]})
        time.sleep(3)
        proxy.restore()
        settle(10)
        assert_graded_exactly_once(10)
    finally:
        proxy.close()
