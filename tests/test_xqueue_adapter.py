"""Open edX XQueue: the worker pulls a submission, grades it with Tangent and puts the result back."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.core.management import call_command

from tangent.celery import app

pytestmark = pytest.mark.django_db(transaction=True)


class FakeXQueue:
    """The three XQueue calls a grader uses, serving queued submissions from a list."""

    def __init__(self, submissions: list[dict]):
        self.pending = list(submissions)
        self.results: list[dict] = []
        self.logins = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, content):
                data = json.dumps({"return_code": 0, "content": content}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.startswith("/xqueue/get_queuelen/"):
                    return self._reply(len(fake.pending))
                if self.path.startswith("/xqueue/get_submission/"):
                    return self._reply(json.dumps(fake.pending.pop(0)))
                self.send_response(404)
                self.end_headers()

            def do_POST(self):
                form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
                if self.path == "/xqueue/login/":
                    fake.logins += 1
                elif self.path == "/xqueue/put_result/":
                    fake.results.append(
                        {
                            "header": json.loads(form["xqueue_header"][0]),
                            "body": json.loads(form["xqueue_body"][0]),
                        }
                    )
                return self._reply("ok")

        return Handler


def queued(key: str, exercise: str, response, student: str = "anon-1") -> dict:
    return {
        "xqueue_header": json.dumps({"submission_id": 1, "submission_key": key}),
        "xqueue_body": json.dumps(
            {
                "student_info": json.dumps({"anonymous_student_id": student}),
                "student_response": response if isinstance(response, str) else json.dumps(response),
                "grader_payload": json.dumps({"exercise": exercise}),
            }
        ),
        "xqueue_files": "{}",
    }


@pytest.fixture
def eager(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_the_worker_grades_queued_submissions_and_puts_results_back(
    bank, eager, capsys, monkeypatch
):
    from courseware.accounts import service_user
    from courseware.models import Exercise
    from courseware.variants import current_attempt
    from lms.learners import learner_for
    from tests.support.grading import right_number_answers

    owner = service_user("xqueue-calc")
    learner = learner_for(owner, "anon-1")
    right = right_number_answers(
        current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    )
    submissions = [
        queued("k-right", "m1-rise-over-run", right),
        queued(
            "k-bad",
            "m1-rise-over-run",
            {"parts": {"secant": {"value": "abc"}, "tangent": {"value": "1"}}},
        ),
        queued("k-unknown", "no-such-exercise", "42"),
    ]
    monkeypatch.setenv("XQUEUE_PASSWORD", "pw")
    with FakeXQueue(submissions) as server:
        call_command(
            "xqueue_worker",
            "--url",
            server.url,
            "--queue",
            "calc",
            "--username",
            "tangent",
            "--once",
        )
    assert "Graded 3 submission(s)" in capsys.readouterr().out
    by_key = {r["header"]["submission_key"]: r["body"] for r in server.results}
    assert by_key["k-right"]["correct"] is True and by_key["k-right"]["score"] == 1.0
    assert by_key["k-bad"]["correct"] is False and "not a number" in by_key["k-bad"]["msg"]
    assert "Unknown Tangent exercise" in by_key["k-unknown"]["msg"]
    assert server.logins == 1


def test_the_worker_refuses_a_queue_on_a_private_address(settings):
    from django.core.management.base import CommandError

    settings.OUTBOUND_ALLOW_PRIVATE = False
    with pytest.raises(CommandError, match=r"non-public|https"):
        call_command(
            "xqueue_worker",
            "--url",
            "https://127.0.0.1",
            "--queue",
            "q",
            "--username",
            "u",
            "--once",
        )
