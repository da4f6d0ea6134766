"""The shared Redis client under the deployment's key prefix, for what needs Redis itself (atomic
counters, queue depth, pub/sub); plain caching goes through Django's cache (settings.CACHES)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import redis
from django.conf import settings
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

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


class CacheClient(RedisCacheClient):
    """Django's Redis cache client, keeping one redis.Redis per connection pool: Django makes a
    new one (with its table of some 170 response callbacks) for every cache operation, which costs
    more than the operation. A client is safe to share between threads: each command takes a
    connection from the pool."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._clients: dict[redis.ConnectionPool, redis.Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> redis.Redis:
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]  # private, not in django-stubs
        found = self._clients.get(pool)
        if found is None:
            found = self._clients[pool] = self._client(connection_pool=pool)  # type: ignore[attr-defined]  # as above
        return found


class Cache(RedisCache):
    """Django's Redis cache with `CacheClient` (settings.CACHES)."""

    def __init__(self, server: str, params: dict[str, Any]):
        super().__init__(server, params)
        self._class = CacheClient
