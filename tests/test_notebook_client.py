"""Tangent's Python client (clients/python) against a live stack: the web server, a real worker
and the sandbox, as a learner's script or notebook uses it with a personal access token."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbclient
import nbformat
import pytest
import requests

from api.personal_tokens import make_token
from grader.notebooks.build import TESTS_TAG
from tests.support.notebooks import solution, tagged, variant, with_answer
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


def test_the_backprop_assignment_start_to_finish_in_jupyter(
    bank, live_server, live_worker, tmp_path
):
    """Download the notebook, write the answer, run its tests, submit from the notebook itself:
    the verdict, the feedback and the training-curve figure show in the notebook."""
    require_sandbox()
    live_worker()
    learner = learner_in(make_course())
    token = make_token(learner, "jupyter").key
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {token}"
    got = api.get(f"{live_server.url}/api/v1/exercises/m3-backprop-assignment/notebook")
    assert got.status_code == 200
    notebook = nbformat.reads(got.text, as_version=4)
    notebook = with_answer(
        notebook, solution("m3-chain-rule-and-neural-networks/m3-backprop-assignment")
    )
    notebook.cells.append(
        nbformat.v4.new_code_cell(
            f"import sys\nsys.path.insert(0, {str(CLIENT)!r})\nimport tangent\n"
            f"tangent.login({live_server.url!r}, {token!r})\n"
            'result = tangent.submit("m3-backprop-assignment", assignment)'
        )
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=180,
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    printed = "".join(o.get("text", "") for o in tagged(notebook, TESTS_TAG)[0].outputs)
    assert printed.count("passed") == 7 and "failed" not in printed
    shown = notebook.cells[-1].outputs
    markdown = "".join(o["data"].get("text/markdown", "") for o in shown if o.get("data"))
    assert "**Correct · score 100%**" in markdown
    assert "as it should" in markdown  # the training session's own words
    assert any("image/svg+xml" in o.get("data", {}) for o in shown)  # the training curve


def test_instructors_export_a_modules_code_exercises_as_notebooks(bank, tmp_path):
    from django.core.management import call_command

    from grader.answers.code import draw_cases
    from grader.notebooks.build import code_parts

    call_command("export_notebooks", "m3-chain-rule-and-neural-networks", out=str(tmp_path), seed=3)
    written = sorted(p.name for p in tmp_path.glob("*.ipynb"))
    assert written == [
        "m3-backprop-assignment.ipynb",
        "m3-d-sigma.ipynb",
        "m3-not-gate-neuron.ipynb",
    ]
    exported = nbformat.read(tmp_path / "m3-backprop-assignment.ipynb", as_version=4)
    nbformat.validate(exported)
    assert exported.metadata["tangent"]["seed"] == 3
    definition, params, _ = variant("m3-backprop-assignment", 3)
    visible = [c.name for c in draw_cases(code_parts(definition)[0], params) if c.visible]
    tests = tagged(exported, TESTS_TAG)[0].source
    assert all(name in tests for name in visible)  # the grader's own visible cases
