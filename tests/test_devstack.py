"""`make run` says where Tangent is, and the demo log-ins, only once the site and every worker
answer: the last lines of its start-up output, after the workers' banners."""

import json
import subprocess
import sys
from http.server import BaseHTTPRequestHandler

import pytest

from tangent import devstack
from tests.support.http_server import ServerThread


class Health(BaseHTTPRequestHandler):
    """The site's health check while it starts: no answer worth reading, then the workers one
    by one as they come up."""

    answers = ["starting", 0, 1, 2, 3]
    asked = 0

    def do_GET(self):
        assert self.path == "/api/v1/health"
        answer = Health.answers[min(Health.asked, len(Health.answers) - 1)]
        Health.asked += 1
        body = b"<h1>Server Error</h1>" if answer == "starting" else json.dumps({"workers": answer})
        self.send_response(500 if answer == "starting" else 200)
        self.end_headers()
        self.wfile.write(body if isinstance(body, bytes) else body.encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def site():
    Health.asked = 0
    server = ServerThread(Health).start()
    yield str(server.port)
    server.stop()


@pytest.fixture
def child():
    """A child process still running, as the workers and the web server are."""
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    yield process
    process.kill()
    process.wait()


def test_the_start_up_waits_until_every_worker_answers(site, child):
    assert devstack.ready(site, 3, [child], timeout=10)
    assert Health.asked == 5  # an error page, then 0, 1, 2 and 3 workers


def test_the_start_up_stops_waiting_when_a_part_has_exited(site, child):
    child.kill()
    child.wait()
    assert not devstack.ready(site, 3, [child], timeout=10)
    assert Health.asked == 0


def test_the_start_up_stops_waiting_at_its_deadline(site, child):
    assert not devstack.ready(site, 4, [child], timeout=1.5)
    assert Health.asked >= 5


def test_the_last_lines_say_where_tangent_is_and_the_demo_log_ins(site, child, capsys, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-secret-1")
    devstack.announce(site, [child])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Tangent is running at http://127.0.0.1:{site}/ — press Ctrl-C to stop."
    assert "not every part answered" not in "\n".join(lines)
    assert any("learner" in line and "demo-secret-1" in line for line in lines[1:])


def test_the_last_lines_say_when_a_part_did_not_start(site, child, capsys):
    child.kill()
    child.wait()
    devstack.announce(site, [child])
    out = capsys.readouterr().out
    assert "Tangent is running at" in out
    assert "(not every part answered in time: the lines above say why)" in out
