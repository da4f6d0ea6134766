"""Worker heartbeats in the shared Redis: which workers are alive, and what each reports."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

import redis
from django.conf import settings

from tangent.redis_client import client, key

# Heartbeats: a sorted set of worker names by the time of their last beat, and their reports in a
# hash; reading the live ones costs O(workers), never a scan of the keyspace.
WORKERS, WORKER_INFO = "workers:seen", "workers:info"


def _heartbeat_ttl() -> float:
    return max(3 * settings.WORKER_HEARTBEAT_SECONDS, 5)


def beat(worker_name: str, info: dict[str, Any]) -> None:
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


def live_workers() -> list[dict[str, Any]]:
    """The heartbeats of workers seen in the last few seconds."""
    names = client().zrangebyscore(key(WORKERS), time.time() - _heartbeat_ttl(), "+inf")
    # Names only (no scores asked for), which redis-py's types do not tell from the scored form.
    values = client().hmget(key(WORKER_INFO), names) if names else []  # type: ignore[arg-type]
    return [json.loads(value) for value in values if value]


class Heartbeat:
    """A daemon thread in a worker's main process that says, every few seconds, that it is alive."""

    def __init__(
        self,
        worker_name: str | None = None,
        info: Callable[[], dict[str, Any]] | None = None,
    ):
        self.name = worker_name or f"{socket.gethostname()}:{os.getpid()}"
        self.info: Callable[[], dict[str, Any]] = info or dict
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
