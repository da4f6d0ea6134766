"""Tangent's Python client (clients/python) against a live stack: the web server, a real worker
and the sandbox, as a learner's script or notebook uses it with a personal access token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from lms.personal_tokens import make_token
from tests.support.people import learner_in, make_course
from tests.support.sandbox import require_sandbox

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CLIENT = Path(__file__).resolve().parents[1] / "clients" / "python"

SCRIPT = """\
import numpy as np

import tangent

SCALE = 1.0


def sigma(z):
    return 1 / (1 + np.exp(-z))


def d_sigma(z):
    s = sigma(z) * SCALE
    return s * (1 - s)


def wrong(z):
    return sigma(z)


tangent.login({url!r}, {token!r})
result = tangent.submit("m3-d-sigma", d_sigma)
print("RESULT", result["verdict"], result["score"])
d_sigma = wrong
tangent.submit("m3-d-sigma", d_sigma)
try:
    tangent.submit("no-such-exercise", sigma)
except tangent.TangentError as error:
    print("REFUSED", error)
"""


def run_script(tmp_path: Path, source: str) -> str:
    script = tmp_path / "learner.py"
    script.write_text(source)
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,  # not the repository, whose own `tangent` package would shadow the client
        env={"PYTHONPATH": str(CLIENT), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_script_submits_with_a_personal_token_and_prints_the_verdict(
    bank, live_server, live_worker, tmp_path
):
    require_sandbox()
    live_worker()
    learner = learner_in(make_course())
    token = make_token(learner, "script").key
    out = run_script(tmp_path, SCRIPT.format(url=live_server.url, token=token))
    assert "Correct · score 100%" in out
    assert "✓ three values: d_sigma([-2.,  0.,  2.]) passed" in out
    assert "RESULT correct 1.0" in out
    assert "You returned σ(z) itself" in out  # the wrong one's diagnosis, as on the page
    assert "Incorrect · score 0%" in out
    assert "REFUSED 404: No exercise 'no-such-exercise'." in out


def test_a_revoked_or_wrong_token_is_refused_at_login(bank, live_server, tmp_path):
    source = (
        "import tangent\n"
        "try:\n"
        f"    tangent.login({live_server.url!r}, 'tk_nope_nope')\n"
        "except tangent.TangentError as error:\n"
        "    print('REFUSED', error)\n"
    )
    assert "REFUSED 401" in run_script(tmp_path, source)
