"""Trusted comparison of what learner code returned with what it should have returned.

Values here were decoded from the sandbox's frames: plain floats, ints, bools, strings, float64 /
int64 / bool arrays, tuples, lists and dicts. Nothing learner-defined reaches this module.

It needs nothing but NumPy: downloaded notebooks carry it verbatim (grader/notebooks/build.py), so
their visible-test cell compares and words its messages exactly as "run my tests" does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

NUMBER_TYPES = (int, float, np.integer, np.floating)


def compare(expected: Any, actual: Any, rtol: float, atol: float) -> str | None:
    """None when `actual` matches `expected` within tolerance, else what is wrong, in words."""
    if isinstance(expected, np.ndarray):
        return _compare_array(expected, actual, rtol, atol)
    if isinstance(expected, bool) or expected is None or isinstance(expected, str):
        return (
            None
            if type(actual) is type(expected) and actual == expected
            else (f"expected {show(expected)}, got {show(actual)}")
        )
    if isinstance(expected, NUMBER_TYPES):
        if isinstance(actual, np.ndarray) and actual.shape == ():
            actual = actual.item()
        if isinstance(actual, bool) or not isinstance(actual, NUMBER_TYPES):
            return f"expected a number, got {kind_of(actual)}"
        return _compare_array(np.asarray(float(expected)), np.asarray(float(actual)), rtol, atol)
    if isinstance(expected, (tuple, list)):
        if isinstance(actual, np.ndarray) and actual.ndim == 1:
            actual = list(actual)
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return f"expected {len(expected)} values, got {kind_of(actual)}"
        for index, (e, a) in enumerate(zip(expected, actual, strict=True)):
            problem = compare(e, a, rtol, atol)
            if problem:
                return f"item {index}: {problem}"
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict) or set(actual) != set(expected):
            return f"expected a dict with keys {sorted(expected)}, got {kind_of(actual)}"
        for key in expected:
            problem = compare(expected[key], actual[key], rtol, atol)
            if problem:
                return f"{key!r}: {problem}"
        return None
    raise TypeError(f"cannot compare with an expected {type(expected).__name__}")


def _compare_array(expected: np.ndarray, actual: Any, rtol: float, atol: float) -> str | None:
    if isinstance(actual, (list, tuple)):
        try:
            actual = np.array(actual, dtype=float)
        except (TypeError, ValueError):
            return f"expected an array of shape {expected.shape}, got {kind_of(actual)}"
    if isinstance(actual, NUMBER_TYPES) and not isinstance(actual, bool):
        actual = np.asarray(float(actual))
    if not isinstance(actual, np.ndarray) or actual.dtype.kind not in "fiub":
        return f"expected an array of shape {expected.shape}, got {kind_of(actual)}"
    if actual.shape != expected.shape:
        return f"expected shape {expected.shape}, got shape {actual.shape}"
    actual = actual.astype(float)
    if not np.all(np.isfinite(actual)):
        return "the result contains NaN or infinity"
    expected = expected.astype(float)
    error = np.abs(actual - expected)
    allowed = atol + rtol * np.abs(expected)
    if np.all(error <= allowed):
        return None
    worst = np.unravel_index(np.argmax(error - allowed), error.shape) if error.ndim else ()
    where = f" at index {tuple(int(i) for i in worst)}" if worst else ""
    return f"off by {float(error[worst]):.3g}{where} (allowed {float(allowed[worst]):.3g})"


def kind_of(value: Any) -> str:
    """'an array of shape (3,)', 'a tuple of 2 values', 'a str', for messages."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} values"
    return f"a {type(value).__name__}" if value is not None else "None"


def show(value: Any, limit: int = 400) -> str:
    """A short, readable rendering of a value for feedback."""
    if isinstance(value, np.ndarray):
        text = np.array2string(value, precision=6, threshold=24, edgeitems=3, separator=", ")
    elif isinstance(value, float):
        text = f"{value:.10g}"
    elif isinstance(value, (tuple, list)):
        inner = ", ".join(show(item, limit) for item in value[:12])
        text = f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    elif isinstance(value, dict):
        text = (
            "{" + ", ".join(f"{k!r}: {show(v, limit)}" for k, v in list(value.items())[:12]) + "}"
        )
    elif hasattr(value, "kind") and hasattr(value, "args"):
        text = f"<function: {value.kind}>"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


MUTATED = "your function changed its input array in place; work on a copy"


def raised_problem(name: str, message: str) -> str:
    """What is wrong with a call that raised when it should have returned."""
    return f"it raised {name}: {message}".strip(": ")


def call_text(function: str, args: Any) -> str:
    """The call a visible test makes, as its feedback shows it."""
    return f"{function}({', '.join(show(a, 120) for a in args)})"


def test_line(label: str, call: str, problem: str | None, expected: str, got: str) -> str:
    """The feedback line of a visible test: passed, or what failed with the expected value."""
    if problem is None:
        return f"{label}: {call} passed"
    return f"{label}: {call} failed: {problem}\n  expected {expected}\n  got      {got}"
