"""Sessions in the database with a copy in the cache (Redis), so a request reads its session from
Redis.

Django's cached_db idea on Django's cache (settings.CACHES: the deployment's key prefix, short
timeouts), storing the signed session text, and safe with a Redis that is away: a read
falls back to the database and a copy that cannot be written is skipped. A copy lives at most
COPY_SECONDS, which bounds how stale it can be after a write Redis missed.

Ending a session writes a tombstone in place of its copy before the row is deleted, so a log-out
that cannot reach Redis fails whole, and a request that read the row just before the log-out
cannot put the copy back (a copy made on a read is only added where nothing is).
"""

from __future__ import annotations

import contextlib
from typing import Any

import redis
from django.contrib.sessions.backends import db
from django.core.cache import cache

COPY_SECONDS = 300
ENDED = ""  # a tombstone: the session was ended


def _copy_key(session_key: str) -> str:
    return f"session:{session_key}"


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        if self.session_key is None:
            return {}
        try:
            copy = cache.get(_copy_key(self.session_key))
        except redis.RedisError:
            copy = None
        if copy == ENDED:
            self._session_key = None
            return {}
        if copy is not None:
            return self.decode(copy)
        stored = self._get_session_from_db()  # type: ignore[attr-defined]  # private, not in django-stubs
        if stored is None:
            return {}
        seconds = self.get_expiry_age(expiry=stored.expire_date)
        self._keep_copy(stored.session_data, seconds, only_if_absent=True)
        return self.decode(stored.session_data)

    def save(self, must_create: bool = False) -> None:
        super().save(must_create)
        data = self._get_session(no_load=must_create)  # type: ignore[attr-defined]  # as above
        self._keep_copy(self.encode(data), self.get_expiry_age())

    def delete(self, session_key: str | None = None) -> None:
        session_key = session_key or self.session_key
        if session_key is not None:
            # Raises, ending nothing, if Redis is away.
            cache.set(_copy_key(session_key), ENDED, COPY_SECONDS)
        super().delete(session_key)

    def _keep_copy(self, text: str, seconds: int, only_if_absent: bool = False) -> None:
        if self.session_key and seconds > 0:
            keep = cache.add if only_if_absent else cache.set
            with contextlib.suppress(redis.RedisError):
                keep(_copy_key(self.session_key), text, min(seconds, COPY_SECONDS))
