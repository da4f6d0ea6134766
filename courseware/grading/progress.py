"""Progress of a code grading in hand ("tests done of tests in all"), kept in the shared Redis for
the page that waits on it."""

from __future__ import annotations

import contextlib
import time

import redis

from grader.progress import Reporter
from tangent.redis_client import client, key, text

PROGRESS_SECONDS = 0.5  # between progress writes of one grading: a few writes, never a storm;
# and how long a grading runs before a listening page is told: a quicker one's "graded" comes
# before the page could show its progress, and each telling costs the page a fragment request
PROGRESS_TTL = 600


def progress_recorder(submission_id: int) -> Reporter:
    """A grading-progress reporter (grader.progress) that stores "done of total" for the page:
    the first and the last report, and in between at most one every PROGRESS_SECONDS. A
    listening page is told of those stored once the grading has run PROGRESS_SECONDS, but the
    last (its "graded" follows at once)."""
    from courseware.grading.events import announce_progress

    started = time.monotonic()
    last = -PROGRESS_SECONDS

    def record(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if 0 < done < total and now - last < PROGRESS_SECONDS:
            return
        last = now
        with contextlib.suppress(redis.RedisError):  # progress is a courtesy, never a failure
            client().set(key(f"progress:{submission_id}"), f"{done}/{total}", ex=PROGRESS_TTL)
        if done < total and now - started >= PROGRESS_SECONDS:
            announce_progress(submission_id)

    return record


def grading_progress(submission_id: int) -> tuple[int, int] | None:
    """(tests done, tests in all) of the submission's grading in hand, when a worker reported it."""
    try:
        value = client().get(key(f"progress:{submission_id}"))
    except redis.RedisError:
        return None
    done, _, total = text(value or b"").partition("/")
    return (int(done), int(total)) if done.isdigit() and total.isdigit() else None
