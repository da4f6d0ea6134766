"""What an exercise's trusted `tests.py` returns: test cases, step-driven sessions, mistakes, checks.

A code exercise's folder holds `tests.py` with one function:

    def cases(params: dict, rng: numpy.random.Generator) -> list[Case | SessionTest]

It runs on the trusted side only: expected values, mistakes and checks never enter the sandbox;
only each Case's `args`/`kwargs` (arrays, numbers, strings, function descriptors) do.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from grader.answers.code_compare import compare
from grader.sandbox import Outcome, OutcomeKind, Session
from grader.sandbox.inside.protocol import FunctionArg

ANY_VALUE = type("AnyValue", (), {"__repr__": lambda self: "ANY_VALUE"})()  # checks alone decide


@dataclass
class Mistake:
    """A known wrong answer for one case: output close to `value` gets `feedback` (rule `rule`).

    With `raised` (a built-in exception class name) the slip shows as that exception instead, its
    message matching the regular expression `message`: a product of mis-shaped arrays, say.
    """

    value: Any
    feedback: str
    rule: str
    raised: str | None = None
    message: str = ""

    def matches(self, outcome: Any, rtol: float, atol: float) -> bool:
        if self.raised is not None:
            return (
                outcome.kind == OutcomeKind.RAISED
                and self.raised in outcome.raised["builtin"]
                and re.search(self.message, outcome.raised["message"]) is not None
            )
        return (
            outcome.kind == OutcomeKind.VALUE
            and compare(self.value, outcome.value, rtol, atol) is None
        )


@dataclass
class Check:
    """A property of the result: `passes(actual, args)` (the case's own arguments) is False → the
    test fails with `feedback`."""

    name: str
    passes: Callable[[Any, list[Any]], bool]
    feedback: str


@dataclass
class Case:
    """One call of the learner's function, and what it must return (or raise).

    Tolerance is relative with an absolute floor: |actual − expected| ≤ atol + rtol·|expected|.
    `raises` names the built-in exception class the call must raise instead of returning.
    `not_mutated` fails the test when the call changed any array argument in place.
    `expected=ANY_VALUE` leaves the verdict to `checks` (when several answers are right).
    `figure(actual)` draws what the learner's value means (grader.figures), or returns None; only
    visible cases are drawn, since a figure shows the case's data.
    """

    args: tuple[Any, ...]
    expected: Any = None
    kwargs: dict[str, Any] = field(default_factory=dict)
    name: str = ""
    rtol: float = 1e-9
    atol: float = 1e-12
    raises: str | None = None
    visible: bool = False
    weight: float = 1.0
    mistakes: list[Mistake] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    not_mutated: bool = False
    figure: Callable[[Any], dict[str, Any] | None] | None = None


@dataclass
class SessionScore:
    """How a step-driven session went: a score in [0, 1], what to tell the learner, and figures
    of the run (grader.figures) drawn from what the learner's calls returned."""

    score: float
    text: str
    data: dict[str, Any] = field(default_factory=dict)
    figures: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SessionTest:
    """A session the trusted side drives call by call: `drive(session) -> SessionScore`.

    `session.start()` loads a fresh copy of the learner's module; `session.call(*args)` returns an
    Outcome (kind "value" with `.value`, or "raised" with `.raised["name"]`), and
    `session.call_each(args1, args2, ...)` the outcomes of independent calls sent together (one
    wait on the sandbox instead of one a call); at most `budget` calls in all.
    """

    name: str
    drive: Callable[[Session], SessionScore]
    budget: int = 100
    visible: bool = False
    weight: float = 1.0


def polynomial(coefficients: Any) -> FunctionArg:
    """A function argument p(x), coefficients highest power first (as numpy.polyval)."""
    return FunctionArg("polynomial", np.asarray(coefficients, dtype=float))


def quadratic(A: Any, b: Any) -> FunctionArg:
    """A function argument f(x) = ½ xᵀAx − bᵀx."""
    return FunctionArg("quadratic", np.asarray(A, dtype=float), np.asarray(b, dtype=float))


def quadratic_gradient(A: Any, b: Any) -> FunctionArg:
    """A function argument ∇f(x) = Ax − b."""
    return FunctionArg("quadratic_gradient", np.asarray(A, dtype=float), np.asarray(b, dtype=float))


def finite_difference_audit(
    f: Callable[[np.ndarray], float], at: int = 0, h: float = 1e-6, rtol: float = 1e-5
) -> Check:
    """The returned gradient agrees with central differences of the (trusted) `f` at argument `at`."""

    def passes(actual: Any, args: list[Any]) -> bool:
        x = np.array(args[at], dtype=float)
        estimate = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            step = np.zeros_like(x)
            step[index] = h
            estimate[index] = (f(x + step) - f(x - step)) / (2 * h)
        scale = np.linalg.norm(estimate) + 1e-12
        return bool(
            np.shape(actual) == x.shape
            and np.linalg.norm(np.asarray(actual) - estimate) <= rtol * scale
        )

    return Check(
        "finite differences",
        passes,
        "Your gradient disagrees with a finite-difference estimate of the function's slope.",
    )


def call_value(outcome: Outcome) -> Any:
    """The value a session call returned, or None when it raised or failed."""
    return outcome.value if outcome.kind == OutcomeKind.VALUE else None
