"""An Open edX XQueue in the test process, behaving towards a grader as the real server does.

It follows openedx/xqueue's grader interface (`submission_queue/views.py`, `ext_interface.py`,
`models.py`): log-in with a session cookie; get_queuelen, get_submission and put_result behind
Django's login_required (without a live session: a 302 to the login page, whose GET answers
`login_required`); replies `{"return_code", "content"}`. A handed-out submission is hidden for
`processing_delay` seconds (SUBMISSION_PROCESSING_DELAY, shortened for tests) and then handed out
again with a new key unless a result came back; put_result needs the latest key, "calls the LMS"
(recorded here; `lms_failures` makes the next callbacks fail, which leaves the submission
unretired, to be handed out again) and retires it. The server can be stopped (connection refused)
and started again on the same port, keeping its sessions and submissions, and `put_delays` makes
the next put_result calls slow, as a slow LMS makes the real one.
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.support.http_server import ServerThread

PROTECTED = ("/xqueue/get_queuelen/", "/xqueue/get_submission/", "/xqueue/put_result/")


@dataclass
class Queued:
    id: int
    body: str
    pulled_at: float | None = None
    key: str = ""
    pulls: int = 0
    retired: bool = False
    results: list[dict] = field(default_factory=list)  # every result put back (LMS callbacks)


class FakeXQueue:
    def __init__(
        self,
        queue: str = "tangent-calc",
        users: dict[str, str] | None = None,
        processing_delay: float = 60.0,
    ):
        self.queue = queue
        self.users = users or {"tangent": "secret"}
        self.processing_delay = processing_delay
        self.submissions: dict[int, Queued] = {}
        self.sessions: set[str] = set()
        self.logins = 0
        self.put_delays: list[float] = []  # seconds the next put_result calls stall
        self.lms_failures = 0  # the next callbacks to the LMS fail
        self.lock = threading.Lock()
        self.port = 0
        self.serving: ServerThread | None = None

    # --- lifecycle ---------------------------------------------------------------------------
    def start(self) -> FakeXQueue:
        self.serving = ServerThread(self._handler(), self.port).start()
        self.port = self.serving.port
        return self

    def stop(self) -> None:
        """Stop serving: requests are refused until start()."""
        if self.serving is not None:
            self.serving.stop()
            self.serving = None

    def __enter__(self) -> FakeXQueue:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # --- the LMS and the operator ------------------------------------------------------------
    def submit(self, body: dict | str) -> int:
        """A submission from the LMS (what /xqueue/submit/ stores); its XQueue id."""
        with self.lock:
            number = len(self.submissions) + 1
            text = body if isinstance(body, str) else json.dumps(body)
            self.submissions[number] = Queued(number, text)
            return number

    def forget_sessions(self) -> None:
        """What session expiry does: every grader must log in again."""
        with self.lock:
            self.sessions.clear()

    def results(self, number: int) -> list[dict]:
        with self.lock:
            return list(self.submissions[number].results)

    # --- the grader interface ----------------------------------------------------------------
    def _available(self) -> list[Queued]:
        now = time.monotonic()
        return [
            s
            for s in self.submissions.values()
            if not s.retired and (s.pulled_at is None or now - s.pulled_at >= self.processing_delay)
        ]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, ok: bool, content, cookie: str | None = None):
                data = json.dumps({"return_code": 0 if ok else 1, "content": content}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                if cookie:
                    self.send_header("Set-Cookie", f"sessionid={cookie}; HttpOnly; Path=/")
                self.end_headers()
                self.wfile.write(data)

            def _logged_in(self) -> bool:
                cookies = SimpleCookie(self.headers.get("Cookie", ""))
                session = cookies["sessionid"].value if "sessionid" in cookies else ""
                with fake.lock:
                    return session in fake.sessions

            def _to_login(self, path: str):
                self.send_response(302)
                self.send_header("Location", f"/xqueue/login/?next={path}")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_GET(self):
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/xqueue/login/":
                    return self._reply(False, "login_required")
                if parts.path in PROTECTED and not self._logged_in():
                    return self._to_login(parts.path)
                if parts.path == "/xqueue/get_queuelen/":
                    if query.get("queue_name") != fake.queue:
                        return self._reply(False, f"Valid queue names are: {fake.queue}")
                    with fake.lock:
                        return self._reply(True, len(fake._available()))
                if parts.path == "/xqueue/get_submission/":
                    name = query.get("queue_name")
                    if name != fake.queue:
                        return self._reply(False, f"Queue '{name}' not found")
                    with fake.lock:
                        waiting = fake._available()
                        if not waiting:
                            return self._reply(False, f"Queue '{name}' is empty")
                        item = waiting[0]
                        item.pulled_at, item.key = time.monotonic(), secrets.token_hex(16)
                        item.pulls += 1
                        header = {"submission_id": item.id, "submission_key": item.key}
                        content = {
                            "xqueue_header": json.dumps(header),
                            "xqueue_body": item.body,
                            "xqueue_files": "{}",
                        }
                    return self._reply(True, json.dumps(content))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                path = urlsplit(self.path).path
                if path == "/xqueue/login/":
                    if fake.users.get(form.get("username")) != form.get("password"):
                        return self._reply(False, "Incorrect login credentials")
                    session = secrets.token_hex(16)
                    with fake.lock:
                        fake.sessions.add(session)
                        fake.logins += 1
                    return self._reply(True, "Logged in", cookie=session)
                if path in PROTECTED and not self._logged_in():
                    return self._to_login(path)
                if path != "/xqueue/put_result/":
                    return self._reply(False, "'put_result' must use HTTP POST")
                try:
                    header = json.loads(form["xqueue_header"])
                    number, key = int(header["submission_id"]), header["submission_key"]
                    result = json.loads(form["xqueue_body"])
                except (KeyError, TypeError, ValueError):
                    return self._reply(False, "Incorrect reply format")
                with fake.lock:
                    item = fake.submissions.get(number)
                    if item is None:
                        return self._reply(False, "Submission does not exist")
                    if not item.key or key != item.key:
                        return self._reply(False, "Incorrect key for submission")
                    delay = fake.put_delays.pop(0) if fake.put_delays else 0.0
                time.sleep(delay)  # XQueue calls the LMS inside put_result
                with fake.lock:
                    item.results.append(result)
                    acknowledged = fake.lms_failures == 0
                    fake.lms_failures = max(0, fake.lms_failures - 1)
                    item.retired = acknowledged
                return self._reply(True, "")

        return Handler
