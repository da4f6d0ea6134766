"""What Tangent's client (clients/python) sends for a function: its source and what it uses."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

CLIENT = Path(__file__).resolve().parents[1] / "clients" / "python" / "tangent" / "source.py"
LEARNER = """\
import numpy as np
from numpy import exp as e
import math

SCALE = 2.0
NAMES = ("a", "b")
UNUSED = 3


def sigma(z):
    return 1 / (1 + e(-z))


def d_sigma(z):
    s = sigma(z) * SCALE / 2
    return np.asarray(s * (1 - s))


def assignment(name, *args):
    return {"d_sigma": d_sigma}[name](*args)


def unrelated():
    return math.pi
"""


def load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_function_goes_with_its_helpers_imports_and_constants_only(tmp_path):
    source_of = load(CLIENT, "tangent_client_source").source_of
    (tmp_path / "learner_module.py").write_text(LEARNER)
    learner = load(tmp_path / "learner_module.py", "learner_module")
    sent = source_of(learner.assignment)
    assert "import numpy as np" in sent and "from numpy import exp as e" in sent
    assert "SCALE = 2.0" in sent and "def sigma" in sent and "def d_sigma" in sent
    assert "UNUSED" not in sent and "unrelated" not in sent and "import math" not in sent
    namespace: dict = {}
    exec(compile(sent, "<sent>", "exec"), namespace)  # noqa: S102 - what the sandbox would run
    z = np.array([-2.0, 0.0, 2.0])
    assert np.allclose(namespace["assignment"]("d_sigma", z), learner.d_sigma(z))
