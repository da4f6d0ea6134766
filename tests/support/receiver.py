"""A webhook receiver on 127.0.0.1 that records what it gets and answers scripted statuses."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler

from tests.support.http_server import ServerThread


class Receiver:
    def __init__(self):
        self.requests: list[dict] = []
        self.replies: list[int] = []  # statuses for the next requests; 200 once it runs out
        self.answering = threading.Event()  # cleared by hold(): a receiver that does not answer
        self.answering.set()
        self.serving = ServerThread(self._handler())
        self.url = f"http://127.0.0.1:{self.serving.port}/hook"

    def __enter__(self) -> Receiver:
        self.serving.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.serving.stop()

    def hold(self) -> None:
        """Requests are recorded as they come but answered only once the test releases them (a
        slow receiver, for as long as the test needs one)."""
        self.answering.clear()

    def release(self) -> None:
        self.answering.set()

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
                receiver.answering.wait(60)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        return Handler
