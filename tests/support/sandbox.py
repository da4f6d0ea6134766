"""Shared pieces of the sandbox tests: the skip-or-fail rule, the m3-d-sigma part, honest code."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from grader.sandbox import sandbox_status
from grader.spec import PartDef

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "exercises"
D_SIGMA_TESTS = EXERCISES / "m3-chain-rule-and-neural-networks" / "m3-d-sigma" / "tests.py"

CORRECT_D_SIGMA = """\
import numpy as np


def d_sigma(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
"""


def require_sandbox() -> None:
    """Skip (locally) or fail (CI=true) when this machine cannot run the sandbox."""
    status = sandbox_status()
    if status["status"] == "unavailable":
        reason = "the code sandbox is unavailable: " + "; ".join(status["missing"])
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def d_sigma_part(seconds: float = 1.0, memory_mb: int = 512) -> PartDef:
    """The m3-d-sigma code part, with short limits so that attacks end quickly."""
    return PartDef(
        "code",
        "code",
        config={
            "function": "d_sigma",
            "tests_source": D_SIGMA_TESTS.read_text(),
            "limits": {"seconds": seconds, "memory_mb": memory_mb},
        },
    )


def exercise_part(folder: str, function: str, **config) -> PartDef:
    """A code part of one of the bank's exercise folders."""
    source = (EXERCISES / folder / "tests.py").read_text()
    return PartDef("code", "code", config={"function": function, "tests_source": source, **config})
