"""The push service: server-sent events that tell a waiting page its answer is graded.

A small ASGI application (run by uvicorn beside the WSGI web tier, routed at /events/ by the
proxy in production; `make run` starts it on its own port). It holds no thread per listener: each
connection waits on Redis pub/sub. A listener names its submission by a signed token that the
page received through the authorised route (courseware.grading.events); the service answers
with nothing but "graded" or "progress", and the page then fetches what changed. An API client
gets such a link in the answer to POST /api/v1/submissions, bound to its key: it listens with
`Authorization: Bearer <key>`, which the service checks against the token without a database.

GET /events/graded/<token>  ->  text/event-stream with one event, then the stream ends:
                                "graded", "progress" (the page refreshes and listens again), or
                                "timeout" after LISTEN_SECONDS (the page checks, then listens).
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tangent.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402

from api.keys import digest  # noqa: E402
from courseware.grading.events import channel, done_key, submission_in  # noqa: E402

LISTEN_SECONDS = 55.0
PREFIX = "/events/graded/"
_pool: aioredis.Redis | None = None

# ASGI's callables (the spec's dictionaries, untyped).
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def _redis() -> aioredis.Redis:
    global _pool
    if _pool is None:
        _pool = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    return _pool


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
            if _pool is not None:
                await _pool.aclose()
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
    connection = _redis()
    pubsub = connection.pubsub()
    try:
        await pubsub.subscribe(channel(submission_id))
    except (aioredis.RedisError, OSError):
        await _respond(send, 503, b"Events are unavailable; the page polls instead.\n")
        return
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [*HEADERS, (b"content-type", b"text/event-stream")],
        }
    )
    await send({"type": "http.response.body", "body": b"retry: 3000\n\n", "more_body": True})
    try:
        event = "graded" if await connection.exists(done_key(submission_id)) else None
        if event is None:
            event = await _wait(pubsub, receive)
        if event:
            body = f"event: {event}\ndata: {submission_id}\n\n".encode()
            await send({"type": "http.response.body", "body": body, "more_body": True})
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]  # unannotated in redis-py
        await send({"type": "http.response.body", "body": b""})


async def _wait(pubsub: aioredis.client.PubSub, receive: Receive) -> str | None:
    """The first event ("graded" or "progress": the page then fetches what changed and listens
    again), "timeout", or None when the browser went away."""
    gone = asyncio.ensure_future(_disconnected(receive))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + LISTEN_SECONDS
    try:
        while not gone.done():
            left = deadline - loop.time()
            if left <= 0:
                return "timeout"
            message = await pubsub.get_message(
                ignore_subscribe_messages=True, timeout=min(left, 1.0)
            )
            if message is None:
                continue
            event: str = message["data"].decode()
            if event in ("graded", "progress"):
                return event
        return None
    finally:
        gone.cancel()


async def _disconnected(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
