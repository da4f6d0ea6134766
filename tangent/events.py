"""The push service: server-sent events that tell a waiting page its answer is graded.

A small ASGI application (run by uvicorn beside the WSGI web tier, routed at /events/ by the
proxy in production; `make run` starts it on its own port). It holds neither a thread nor a Redis
connection per listener: one pattern subscription per process hears every submission's events
and hands each to the listeners of its submission (`Hub`), so a deadline rush of thousands of
waiting pages costs a future each. A listener names its submission by a signed token that the
page received through the authorised route (courseware.grading.events); the service answers
with nothing but "graded" or "progress", and the page then fetches what changed. An API client
gets such a link in the answer to POST /api/v1/submissions, bound to its key: it listens with
`Authorization: Bearer <key>`, which the service checks against the token without a database.

GET /events/graded/<token>  ->  text/event-stream with one event, then the stream ends:
                                "graded", "progress" (the page refreshes and listens again), or
                                "timeout" after LISTEN_SECONDS (the page listens again;
                                a new listen hears "graded" at once if it came meanwhile).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from asyncio import FIRST_COMPLETED
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tangent.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from api.keys import digest  # noqa: E402
from courseware.grading.events import (  # noqa: E402
    channel,
    done_key,
    every_channel,
    submission_in,
)

LISTEN_SECONDS = 55.0
PREFIX = "/events/graded/"
COMMANDS = 50  # connections for plain commands ("graded" already?): a request waits for one

# ASGI's callables (the spec's dictionaries, untyped).
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class Hub:
    """Every listener of this process on one Redis subscription to every submission's channel.

    `listen` returns a future that the first event for that submission resolves; if the
    subscription breaks, every waiting listener gets "timeout" and the next listener subscribes
    afresh (its page listens again, and polls while Redis is away: the new listen is refused)."""

    def __init__(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.redis = aioredis.Redis(
            connection_pool=aioredis.BlockingConnectionPool.from_url(
                settings.REDIS_URL,
                max_connections=COMMANDS,
                timeout=5,
                socket_connect_timeout=2,
                client_name=f"tangent-events-{os.getpid()}",  # in CLIENT LIST
            )
        )
        self.waiting: dict[bytes, set[asyncio.Future[str]]] = {}
        self.reader: asyncio.Task[None] | None = None
        self.starting = asyncio.Lock()

    async def listen(self, submission_id: int) -> asyncio.Future[str]:
        """Subscribed (confirmed by Redis) before it returns: no later event is missed."""
        await self._subscribed()
        heard: asyncio.Future[str] = self.loop.create_future()
        self.waiting.setdefault(channel(submission_id).encode(), set()).add(heard)
        return heard

    def forget(self, submission_id: int, heard: asyncio.Future[str]) -> None:
        name = channel(submission_id).encode()
        listeners = self.waiting.get(name, set())
        listeners.discard(heard)
        if not listeners:
            self.waiting.pop(name, None)

    async def _subscribed(self) -> None:
        async with self.starting:
            if self.reader is not None and not self.reader.done():
                return
            pubsub = self.redis.pubsub()
            try:
                await pubsub.psubscribe(every_channel())
                while (await pubsub.get_message(timeout=2)) is None:  # the confirmation
                    pass
            except BaseException:
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # unannotated in redis-py
                raise
            self.reader = asyncio.create_task(self._read(pubsub))

    async def _read(self, pubsub: aioredis.client.PubSub) -> None:
        try:
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=None)
                if message is None or message["type"] != "pmessage":
                    continue
                event = message["data"].decode()
                for heard in self.waiting.pop(message["channel"], set()):
                    if not heard.done():
                        heard.set_result(event)
        except (aioredis.RedisError, OSError):
            self._tell_everyone("timeout")
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]  # unannotated in redis-py

    def _tell_everyone(self, event: str) -> None:
        waiting, self.waiting = self.waiting, {}
        for listeners in waiting.values():
            for heard in listeners:
                if not heard.done():
                    heard.set_result(event)

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.reader
        await self.redis.aclose()


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


def _hub() -> Hub:
    """This event loop's hub (a test may run the service on several loops, one after another)."""
    loop = asyncio.get_running_loop()
    if loop not in _hubs:
        _hubs[loop] = Hub()
    return _hubs[loop]


async def application(scope: Message, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    path = scope.get("path", "")
    if scope.get("method") == "OPTIONS":
        await _respond(send, 204, b"")
        return
    if scope.get("method") != "GET" or not path.startswith(PREFIX):
        await _respond(send, 404, b"Not found.\n")
        return
    submission_id = submission_in(path[len(PREFIX) :], _holder(scope))
    if submission_id is None:
        await _respond(send, 403, b"This events link is not valid or has expired.\n")
        return
    await _stream(submission_id, receive, send)


def _holder(scope: Message) -> str:
    """The digest of the API key presented as a bearer token ("" for a page, which sends none)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            kind, _, key = value.decode("latin-1").partition(" ")
            return digest(key.strip()) if kind.lower() == "bearer" and key.strip() else ""
    return ""


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            hub = _hubs.pop(asyncio.get_running_loop(), None)
            if hub is not None:
                await hub.close()
            await send({"type": "lifespan.shutdown.complete"})
            return


HEADERS = [
    (b"access-control-allow-origin", b"*"),  # the token is the credential: no cookies are read
    (b"access-control-allow-headers", b"authorization"),  # an API key's bearer, for its links
    (b"cache-control", b"no-store"),
    (b"x-content-type-options", b"nosniff"),
]


async def _respond(send: Send, status: int, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*HEADERS, (b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _stream(submission_id: int, receive: Receive, send: Send) -> None:
    hub = _hub()
    try:
        heard = await hub.listen(submission_id)
    except (aioredis.RedisError, OSError):
        await _respond(send, 503, b"Events are unavailable; the page polls instead.\n")
        return
    try:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [*HEADERS, (b"content-type", b"text/event-stream")],
            }
        )
        await send({"type": "http.response.body", "body": b"retry: 3000\n\n", "more_body": True})
        try:
            done = await hub.redis.exists(done_key(submission_id))
        except (aioredis.RedisError, OSError):
            done = 0  # the subscription tells, or the stream times out and the page checks
        event = "graded" if done else await _wait(heard, receive)
        if event:
            body = f"event: {event}\ndata: {submission_id}\n\n".encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        hub.forget(submission_id, heard)


async def _wait(heard: asyncio.Future[str], receive: Receive) -> str | None:
    """The first event ("graded" or "progress": the page then fetches what changed and listens
    again), "timeout", or None when the browser went away."""
    gone = asyncio.ensure_future(_disconnected(receive))
    either: set[asyncio.Future[Any]] = {heard, gone}
    try:
        await asyncio.wait(either, timeout=LISTEN_SECONDS, return_when=FIRST_COMPLETED)
        went = gone.done()
    finally:
        gone.cancel()
    if heard.done():
        return heard.result()
    return None if went else "timeout"


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
