"""The Examples in the grading engine's docstrings run and show what they say."""

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The sandbox's inside runs as loose scripts in the sandbox, not as package modules.
NOT_IMPORTABLE = ("grader/sandbox/inside/",)
MODULES = sorted(
    ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for path in (ROOT / "grader").rglob("*.py")
    if not str(path.relative_to(ROOT)).startswith(NOT_IMPORTABLE)
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failed == 0, f"{failed} example(s) in {name} failed (see the output above)"


def test_the_public_grading_api_has_examples():
    from grader import grade
    from grader.equivalence import check_equivalent
    from grader.mathinput import parse, read
    from grader.reference import calculus
    from grader.results import Verdict

    documented = [grade, check_equivalent, read, parse, Verdict.for_score, calculus.derivative]
    documented += [calculus.gradient, calculus.jacobian, calculus.hessian, calculus.taylor]
    documented += [calculus.stationary_points]
    assert all("Examples\n" in (function.__doc__ or "") for function in documented)
