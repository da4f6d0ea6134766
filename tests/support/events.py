"""The push service (tangent/events.py) served by uvicorn on a free port, in a thread of the test
process, so it shares the tests' settings, Redis and key prefix."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import uvicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def events_service():
    """Yields the service's base URL (".../events"); stops it afterwards."""
    from tangent.events import application

    port = free_port()
    config = uvicorn.Config(application, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/events"
    finally:
        server.should_exit = True
        thread.join(10)
