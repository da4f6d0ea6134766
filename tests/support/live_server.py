"""The test session's live server, with threads that stay and keep their database connections.

Django's live server starts a thread for each connection and closes every database connection
after each request, so each request paid for a new PostgreSQL connection (about 10 ms here). Here
a thread that finishes its work waits for the next, and its connection stays open between requests
(CONN_MAX_AGE, and the health check that runs after an error, still apply as in production). A
thread is started whenever none is idle, so requests that wait for one another never queue.
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any

from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import close_old_connections, connections
from pytest_django.live_server_helper import LiveServer


class KeptThreadsServer(ThreadedWSGIServer):
    """A threaded WSGI server whose request threads are kept for the next requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._work: queue.SimpleQueue[tuple[Any, Any] | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._idle = 0
        self._kept: list[threading.Thread] = []

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1
            else:
                thread = threading.Thread(target=self._serve, daemon=True)
                self._kept.append(thread)
                thread.start()
        self._work.put((request, client_address))

    def _serve(self) -> None:
        try:
            while (work := self._work.get()) is not None:
                self.process_request_thread(*work)  # handles it, then close_request()
                with self._lock:
                    self._idle += 1
        finally:
            connections.close_all()

    def _close_connections(self) -> None:
        """After a request, as after one in production: a connection stays unless it is broken
        or too old."""
        close_old_connections()

    def server_close(self) -> None:
        """Idle threads end (closing their connections); one still serving a kept-alive client
        connection is a daemon thread and ends with the process, as Django's own would."""
        super().server_close()
        with self._lock:
            kept = list(self._kept)
        for _ in kept:
            self._work.put(None)
        deadline = time.monotonic() + 2
        for thread in kept:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))


def live_server(addr: str) -> LiveServer:
    """pytest-django's live server (static files, ALLOWED_HOSTS), serving with kept threads."""
    server = LiveServer(addr, start=False)
    server.thread.server_class = KeptThreadsServer
    server.start()
    return server
