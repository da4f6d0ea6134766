"""Tangent's own use of Redis: queue depth, worker heartbeats and grading progress, under the
deployment's prefix."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from functools import lru_cache

import redis
from django.conf import settings

from tangent import queues

PROGRESS_SECONDS = 0.5  # between progress writes of one grading: a few writes, never a storm
PROGRESS_TTL = 600


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def key(name: str) -> str:
    return f"{settings.REDIS_PREFIX}{name}"


def queue_depth(names: tuple[str, ...] = queues.GRADING_QUEUES) -> int:
    """Messages waiting in these Celery queues (not yet taken by a worker): the grading ones
    unless named."""
    pipe = client().pipeline(transaction=False)
    for name in names:
        pipe.llen(key(name))
    return sum(int(n) for n in pipe.execute())


# Heartbeats: a sorted set of worker names by the time of their last beat, and their reports in a
# hash; reading the live ones costs O(workers), never a scan of the keyspace.
WORKERS, WORKER_INFO = "workers:seen", "workers:info"


def _heartbeat_ttl() -> float:
    return max(3 * settings.WORKER_HEARTBEAT_SECONDS, 5)


def beat(worker_name: str, info: dict) -> None:
    now = time.time()
    pipe = client().pipeline(transaction=False)
    pipe.zadd(key(WORKERS), {worker_name: now})
    pipe.hset(key(WORKER_INFO), worker_name, json.dumps({**info, "at": now}))
    gone = client().zrangebyscore(key(WORKERS), "-inf", now - 10 * _heartbeat_ttl())
    if gone:  # workers that died without saying so, long ago
        pipe.zrem(key(WORKERS), *gone)
        pipe.hdel(key(WORKER_INFO), *gone)
    pipe.execute()


def forget(worker_name: str) -> None:
    pipe = client().pipeline(transaction=False)
    pipe.zrem(key(WORKERS), worker_name)
    pipe.hdel(key(WORKER_INFO), worker_name)
    pipe.execute()


def live_workers() -> list[dict]:
    """The heartbeats of workers seen in the last few seconds."""
    names = client().zrangebyscore(key(WORKERS), time.time() - _heartbeat_ttl(), "+inf")
    values = client().hmget(key(WORKER_INFO), names) if names else []
    return [json.loads(value) for value in values if value]


class Heartbeat:
    """A daemon thread in a worker's main process that says, every few seconds, that it is alive."""

    def __init__(self, worker_name: str | None = None, info=None):
        self.name = worker_name or f"{socket.gethostname()}:{os.getpid()}"
        self.info = info or (lambda: {})
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.run, name="tangent-heartbeat", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def run(self) -> None:
        while not self.stopped.is_set():
            with contextlib.suppress(redis.RedisError):  # the broker is away; the next beat tells
                beat(self.name, {"name": self.name, **self.info()})
            self.stopped.wait(settings.WORKER_HEARTBEAT_SECONDS)

    def stop(self) -> None:
        self.stopped.set()
        with contextlib.suppress(redis.RedisError):
            forget(self.name)


def progress_recorder(submission_id: int):
    """A grading-progress reporter (grader.progress) that stores "done of total" for the page and
    tells a listening page: the first and the last report, and in between at most one every
    PROGRESS_SECONDS."""
    from courseware.grading_events import announce_progress

    last = -PROGRESS_SECONDS

    def record(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if 0 < done < total and now - last < PROGRESS_SECONDS:
            return
        last = now
        with contextlib.suppress(redis.RedisError):  # progress is a courtesy, never a failure
            client().set(key(f"progress:{submission_id}"), f"{done}/{total}", ex=PROGRESS_TTL)
        announce_progress(submission_id)

    return record


def grading_progress(submission_id: int) -> tuple[int, int] | None:
    """(tests done, tests in all) of the submission's grading in hand, when a worker reported it."""
    try:
        value = client().get(key(f"progress:{submission_id}"))
    except redis.RedisError:
        return None
    done, _, total = (value or b"").decode().partition("/")
    return (int(done), int(total)) if done.isdigit() and total.isdigit() else None
