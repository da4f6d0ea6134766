"""The startup self-test: a worker grades code only when every probe is contained."""

from __future__ import annotations

import pytest

from grader.answers import code
from grader.results import GraderError
from grader.sandbox import Sandbox, sandbox_status, self_test, status
from grader.sandbox.launcher import Setup
from tests.support.sandbox import CORRECT_D_SIGMA, d_sigma_part, require_sandbox


def test_self_test_finds_every_probe_contained_on_this_machine():
    require_sandbox()
    assert self_test() == []


def test_health_status_is_ok_or_names_what_is_degraded():
    require_sandbox()
    health = sandbox_status()
    assert health["status"] in ("ok", "degraded")
    assert (health["status"] == "ok") == (health["missing"] == [])


def test_a_probe_that_is_not_contained_makes_the_sandbox_unavailable(monkeypatch):
    require_sandbox()
    leaky = (
        status.PROBE_CODE + "\n_real = probe\n\ndef probe():\n    return dict(_real(), etc=False)\n"
    )
    monkeypatch.setattr(status, "PROBE_CODE", leaky)
    monkeypatch.setattr(status, "_checked", {})
    box = Sandbox()
    try:
        assert self_test(box) == ["contained: etc"]
        assert sandbox_status(box) == {"status": "unavailable", "missing": ["contained: etc"]}
    finally:
        box.stop()


@pytest.fixture
def broken_sandbox(monkeypatch):
    """This worker's sandbox, replaced by one whose bubblewrap is missing."""
    broken = Sandbox(Setup(bwrap="/nonexistent/bwrap"))
    monkeypatch.setattr(status, "_sandbox", broken)
    monkeypatch.setattr(status, "_checked", {})
    return broken


def test_missing_bubblewrap_makes_the_sandbox_unavailable(broken_sandbox):
    health = sandbox_status()
    assert health["status"] == "unavailable"
    assert "bubblewrap" in health["missing"]


def test_a_worker_without_a_sandbox_refuses_to_grade_code(broken_sandbox):
    with pytest.raises(GraderError, match="unavailable: bubblewrap"):
        code.grade(d_sigma_part(), {}, {"code": CORRECT_D_SIGMA})


def test_a_missing_virtualenv_is_named(monkeypatch):
    monkeypatch.setattr(status, "_checked", {})
    missing = self_test(Sandbox(Setup(venv="/nonexistent/venv")))
    assert missing and "virtualenv" in missing[0]
