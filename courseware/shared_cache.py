"""What every learner's pages share, kept in Django's cache (Redis) until it changes.

A value is read once and shared; each change to what it is made from deletes it, at once and again
when the change's transaction commits (a reader in between may have stored the old value). The
expiry bounds how long a deletion that raced with a reader can leave it stale. Without Redis the
value is read from the database every time.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from django.core.cache import cache
from django.db import transaction

T = TypeVar("T")
TTL_SECONDS = 300


# key: (the plain data last restored in this process, what `restored` made of it)
_last_restored: dict[str, tuple[Any, Any]] = {}


def read_through(key: str, read: Callable[[], Any], restored: Callable[[Any], T]) -> T:
    """`restored` of the value shared under `key`, or of `read()`'s (then shared): plain data,
    which is quicker to read back than pickled objects.

    While the data stays the same, the process's requests share what `restored` made of it
    (rebuilding it is most of the cost of a read): they read it and never change it.
    """
    try:
        cached = cache.get(key)
    except redis.RedisError:
        return restored(read())
    if cached is None:
        cached = read()
        with contextlib.suppress(redis.RedisError):
            cache.set(key, cached, TTL_SECONDS)
    last = _last_restored.get(key)
    if last is not None and last[0] == cached:
        shared: T = last[1]
        return shared
    value = restored(cached)
    _last_restored[key] = (cached, value)
    return value


def forget(key: str) -> None:
    """Drop the shared value now and once the current transaction commits."""
    drop(key)
    transaction.on_commit(lambda: drop(key))


def drop(key: str) -> None:
    with contextlib.suppress(redis.RedisError):
        cache.delete(key)
