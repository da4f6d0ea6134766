"""What the fault tests share: short leases and sweeps, waiting for what can be seen instead of
sleeping, the sweeper run as beat would, and the broker's own record of the messages workers hold."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from kombu.transport.redis import Channel

from courseware.models import Grading, Submission
from courseware.tasks import sweep_stuck_submissions
from tangent import redis_client
from tangent.queues import QUEUES

T = TypeVar("T")

# A killed worker's submissions are free for another after a second (120 s in production).
SHORT_LEASE = {"TANGENT_GRADING_LEASE_SECONDS": "1"}
SWEEP_SECONDS = 0.5  # the sweeper, run by the test as beat would (every 30 s in production)


def wait_until(
    condition: Callable[[], T],
    timeout: float = 30.0,
    what: str = "the condition",
    between: Callable[[], object] | None = None,
    interval: float = 0.05,
) -> T:
    """The condition's first true value, polled every `interval` until `timeout`, with `between`
    (if given) run before each wait."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        if between is not None:
            between()
        time.sleep(interval)


def sweep() -> None:
    """The sweeper, run as beat would; the broker may still be coming back."""
    try:
        sweep_stuck_submissions()
    except Exception:
        pass


def sweeping_until(condition: Callable[[], T], timeout: float = 60, what: str = "it") -> T:
    """The condition's first true value, the sweeper run every SWEEP_SECONDS meanwhile."""
    return wait_until(condition, timeout, f"{what} (with sweeps)", sweep, SWEEP_SECONDS)


def settle(expected: int, timeout: float = 180) -> None:
    """Sweep until `expected` submissions have ended; fail if any is stuck."""

    def ended() -> bool:
        return Submission.objects.filter(status__in=["graded", "failed"]).count() == expected

    try:
        sweeping_until(ended, timeout)
    except AssertionError:
        stuck = Submission.objects.exclude(status__in=["graded", "failed"])
        raise AssertionError(
            f"not all submissions ended: {list(stuck.values_list('pk', 'status')[:10])}"
        ) from None


def assert_graded_exactly_once(count: int) -> None:
    assert Submission.objects.count() == count
    assert Submission.objects.filter(status="graded").count() == count
    assert Grading.objects.count() == count  # one committed grading per submission, none doubled


def unacknowledged() -> int:
    """Messages a worker took from a queue and has not acknowledged (kombu's record in Redis,
    from which it puts a dead worker's back after the visibility timeout)."""
    return int(redis_client.client().hlen(redis_client.key(Channel.unacked_key)))


def broker_idle() -> bool:
    """No message waits in a queue and none is held unacknowledged."""
    return redis_client.queue_depth(tuple(QUEUES)) == 0 and unacknowledged() == 0
