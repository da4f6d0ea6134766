"""The shared Redis client under the deployment's key prefix, for what needs Redis itself (atomic
counters, queue depth, pub/sub); plain caching goes through Django's cache (settings.CACHES)."""

from __future__ import annotations

from functools import lru_cache

import redis
from django.conf import settings

from tangent import queues


@lru_cache(maxsize=1)
def client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def text(value: bytes | str) -> str:
    """A value this client read, as text (it reads bytes: responses are not decoded)."""
    return value.decode() if isinstance(value, bytes) else value


def key(name: str) -> str:
    return f"{settings.REDIS_PREFIX}{name}"


def queue_depth(names: tuple[str, ...] = queues.GRADING_QUEUES) -> int:
    """Messages waiting in these Celery queues (not yet taken by a worker): the grading ones
    unless named."""
    pipe = client().pipeline(transaction=False)
    for name in names:
        pipe.llen(key(name))
    return sum(int(n) for n in pipe.execute())


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """Keys of Django's cache (settings.CACHES) under the deployment's prefix, as the rest of
    Tangent's keys are."""
    return f"{settings.REDIS_PREFIX}cache:{key}"
