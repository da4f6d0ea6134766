"""A webhook receiver on 127.0.0.1 that records what it gets and answers scripted statuses."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler

from tests.support.http_server import ServerThread


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[int] = []  # statuses for the next requests; 200 once it runs out
        self.delay = 0.0  # seconds before each answer (a slow receiver)
        self.serving = ServerThread(self._handler())
        self.url = f"http://127.0.0.1:{self.serving.port}/hook"

    def __enter__(self) -> Receiver:
        self.serving.start()
        return self

    def __exit__(self, *exc) -> None:
        self.serving.stop()

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "body": body}
                )
                status = receiver.replies.pop(0) if receiver.replies else 200
                time.sleep(receiver.delay)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
