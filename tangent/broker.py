"""Kombu's Redis transport for the Celery broker, with one fault of kombu 5.7 / Celery 5.7 taken
out: a worker that loses Redis while it holds an unacknowledged message (a grading under way, a
retry or an outbox kick waiting for its countdown) no longer dies.

On a lost connection Celery 5.7's consumer first collects the connection, which drops the
transport's link to its connection (`Transport.client`), and then closes it. The channel's first
close ended early on the dead socket, so the second one runs again and tries to put the
unacknowledged messages back in Redis: to connect, the channel reads its parameters from the
dropped link and raises AttributeError, which Celery does not expect from a close ("Unrecoverable
error") and the worker stops for good. Here that attempt fails as a connection error instead, which
Celery ignores as it should: the worker reconnects when Redis is back. The messages stay where
Redis holds them (restored after the visibility timeout, or gone with a restarted Redis, whose
submissions the sweeper queues again)."""

from __future__ import annotations

from typing import Any

import redis
from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:  # the connection was collected after a broker loss
            raise redis.ConnectionError("the broker connection was closed after it was lost")
        # A private method of kombu's, which its stubs (celery-types) leave out.
        params: dict[str, Any] = super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]
        return params


class Transport(kombu_redis.Transport):
    Channel = Channel
