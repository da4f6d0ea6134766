"""The warm fork server: one per worker process, restarted after a crash, replaced by a fresh
sandbox per job (and reported as degraded) when it cannot run."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from grader.answers import code
from grader.results import Verdict
from grader.sandbox import Call, Job, Sandbox, sandbox_status, status
from grader.sandbox.forkserver import SandboxError
from grader.sandbox.jobs import BudgetExceeded
from tests.support.sandbox import CORRECT_D_SIGMA, d_sigma_part, require_sandbox

LISTING = """\
import os


def listing(name):
    with open(name, "w") as handle:
        handle.write("written by an earlier learner")
    return sorted(os.listdir("."))
"""


@pytest.fixture
def sandbox():
    require_sandbox()
    box = Sandbox()
    yield box
    box.stop()


def d_sigma_job(**limits) -> Job:
    return Job(CORRECT_D_SIGMA, "d_sigma", [Call((np.array([0.0, 2.0]),))], **limits)


def test_jobs_run_in_the_warm_fork_server(sandbox):
    result = sandbox.run(d_sigma_job())
    assert result.mode == "fork-server"
    assert result.outcomes[0].value == pytest.approx([0.25, 0.104993585])


def test_a_crashed_fork_server_is_restarted_for_the_next_job(sandbox):
    sandbox.run(d_sigma_job())
    os.killpg(sandbox.server.proc.pid, signal.SIGKILL)
    result = sandbox.run(d_sigma_job())
    assert result.mode == "fork-server"
    assert result.outcomes[0].kind == "value"
    assert sandbox_status(sandbox)["status"] in ("ok", "degraded")
    assert sandbox.server_error is None


def test_a_server_killed_during_a_job_runs_the_job_again(sandbox):
    sandbox.run(d_sigma_job())
    slow = Job("import time\n\ndef wait():\n    time.sleep(0.5)\n    return 1\n", "wait", [Call()])
    server_pid = sandbox.server.proc.pid
    threading.Timer(0.2, os.killpg, (server_pid, signal.SIGKILL)).start()
    result = sandbox.run(slow)
    assert result.outcomes[0].value == 1
    assert sandbox.server.proc.pid != server_pid


def test_a_fresh_sandbox_runs_the_job_when_the_server_cannot_start(sandbox, monkeypatch):
    attempts = []

    def fail() -> None:
        attempts.append(1)
        raise SandboxError("the fork server did not start: test")

    monkeypatch.setattr(sandbox.server, "start", fail)
    sandbox.run(d_sigma_job())
    result = sandbox.run(d_sigma_job())
    assert len(attempts) == 2, "a failing server is not retried for every job"
    assert result.mode == "fresh"
    assert result.outcomes[0].value == pytest.approx([0.25, 0.104993585])
    health = sandbox_status(sandbox)
    assert health["status"] == "degraded"
    assert any("fork server" in reason for reason in health["missing"])


def test_the_fresh_sandbox_enforces_the_deadline(sandbox, monkeypatch):
    monkeypatch.setattr(
        sandbox.server, "start", lambda: (_ for _ in ()).throw(SandboxError("down"))
    )
    monkeypatch.setattr(status, "_sandbox", sandbox)
    started = time.monotonic()
    result = code.grade(
        d_sigma_part(seconds=1), {}, {"code": "def d_sigma(z):\n    while True:\n        pass\n"}
    )
    assert result.verdict == Verdict.TIMEOUT
    assert sandbox_status(sandbox)["status"] == "degraded"
    assert time.monotonic() - started < 3 * 2.0


def test_each_job_starts_in_an_empty_directory(sandbox):
    first = sandbox.run(Job(LISTING, "listing", [Call(("secret.txt",))]))
    second = sandbox.run(Job(LISTING, "listing", [Call(("mine.txt",))]))
    assert first.outcomes[0].value == ["secret.txt"]
    assert second.outcomes[0].value == ["mine.txt"]


def test_a_job_past_its_deadline_is_stopped_and_the_server_keeps_serving(sandbox):
    server_pid = None
    sandbox.run(d_sigma_job())
    server_pid = sandbox.server.proc.pid
    result = sandbox.run(
        Job("def spin():\n    while True:\n        pass\n", "spin", [Call()], seconds=1)
    )
    assert result.exit.timed_out
    assert sandbox.run(d_sigma_job()).outcomes[0].kind == "value"
    assert sandbox.server.proc.pid == server_pid


SQUARE_UNLESS_NEGATIVE = """\
def f(x):
    if x < 0:
        raise ValueError("negative")
    return x * x
"""


def test_a_session_sends_independent_calls_together_and_reads_each_outcome_in_order(sandbox):
    def drive(session):
        assert session.start()
        together = session.call_each((2,), (-1,), (3,))
        with pytest.raises(BudgetExceeded):
            session.call_each((4,), (5,))  # two more than the budget of four leaves
        return [*together, session.call(6)]

    result = sandbox.run(Job(code=SQUARE_UNLESS_NEGATIVE, function="f"), [(drive, 4)])
    [outcomes] = result.sessions
    assert [o.kind for o in outcomes] == ["value", "raised", "value", "value"]
    assert [o.value for o in outcomes] == [4, None, 9, 36]
    assert outcomes[1].raised["message"] == "negative"
