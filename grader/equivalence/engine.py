"""check_equivalent: the policy and the three steps (structure, sampling, bounded symbolic proof).

Policy: two expressions are equivalent when they are the same real function wherever both are
defined and their real domains differ at most at isolated points. So (x^2-1)/(x-1) equals x+1,
log(x^2) does not equal 2 log(x), sqrt(x)^2 does not equal x. Powers of negative numbers with
non-integer exponents are undefined (principal branch). Decimals are exact unless a tolerance is set.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import mpmath
import sympy

from grader.equivalence import clock, symbolic
from grader.equivalence.localise import Location, locate
from grader.equivalence.realvalues import NotNumeric, Overflow, Undefined
from grader.equivalence.sampling import (
    DIFFER,
    Function,
    Outcome,
    Tolerance,
    compare_at,
    floats_agree,
    sample,
)
from grader.equivalence.verdicts import Equivalence, How
from grader.mathinput import MathInputError, Reading
from grader.mathinput.vocabulary import symbol

# Points a learner can check by hand, tried first when showing a counterexample.
_NICE_VALUES = (
    0.5,
    1.5,
    -0.5,
    2.0,
    -1.5,
    0.7,
    1.3,
    2.5,
    -2.0,
    3.0,
    0.2,
    -0.7,
    1.0,
    -1.0,
)
_SHOWN_DIGITS = 4
_SEED = 20240601  # fixed: an answer always meets the same points, so regrades agree


@clock.budgeted
def check_equivalent(
    answer: Reading | sympy.Basic,
    expected: Reading | sympy.Basic,
    variables: Iterable[str | sympy.Symbol] = (),
    *,
    tolerance: Tolerance | dict[str, float] | None = None,
    budget_s: float = 0.25,
) -> Equivalence:
    """Whether the learner's `answer` is the same real function as `expected` (see the policy).

    Never takes longer than about `budget_s`; when it cannot decide in time the verdict is None.

    Parameters
    ----------
    answer, expected : Reading or sympy.Basic
        The learner's expression and the reference one (matrices are compared entry by entry by
        the caller).
    variables : iterable of str or Symbol
        The variables the expressions are functions of.
    tolerance : Tolerance or dict, optional
        ``{"relative": ..., "absolute": ...}`` for numerical answers; exact comparison if None.
    budget_s : float
        CPU seconds the check may take.

    Returns
    -------
    Equivalence
        ``equivalent`` is True, False (with a point where the values differ) or None (undecided).

    Examples
    --------
    >>> from grader.mathinput import read
    >>> check_equivalent(read("sin(x)^2 + cos(x)^2", ["x"]), read("1"), ["x"]).equivalent
    True
    >>> differ = check_equivalent(read("(x+1)^2", ["x"]), read("x^2 + 1", ["x"]), ["x"])
    >>> differ.equivalent, differ.describe()
    (False, 'At x = 0.5 your answer is 2.25, the expected value is 1.25.')
    """
    # Budgets run on this thread's CPU time, with no garbage collection starting (`clock`):
    # neither a busy machine nor a collection must turn a decidable answer into "needs review".
    started = clock.cpu_seconds()
    deadline = started + 0.85 * budget_s  # room for the last step, which is not interrupted
    answer, expected = _reading(answer), _reading(expected)
    tolerance = _tolerance(tolerance)
    if isinstance(answer.literal, sympy.MatrixBase) or isinstance(
        expected.literal, sympy.MatrixBase
    ):
        raise ValueError("check_equivalent compares expressions; compare matrices entry by entry")
    if _identical(answer, expected):
        return Equivalence(True, How.IDENTICAL)
    symbols = _symbols(variables, answer, expected)
    try:
        answer_function = Function(answer.literal, symbols)
        expected_function = Function(expected.literal, symbols)
    except NotNumeric:
        return _confirm(answer, expected, deadline)
    outcome = sample(
        answer_function, expected_function, tolerance=tolerance, deadline=deadline, seed=_SEED
    )
    if outcome.equivalent is True:
        return Equivalence(True, outcome.how)
    if outcome.equivalent is False:
        constant = not expected.literal.free_symbols  # its value is the reference answer
        return _counterexample(
            answer_function, expected_function, outcome, symbols, tolerance, deadline, constant
        )
    if outcome.how == How.TIME or tolerance is not None:
        return Equivalence(None, outcome.how)
    return _confirm(answer, expected, deadline)


def _identical(answer: Reading, expected: Reading) -> bool:
    """The structural fast path: the same tree as written or, once both are evaluated, the same
    evaluated tree with the same domain restrictions."""
    if answer.literal == expected.literal:
        return True
    if not (answer.evaluated and expected.evaluated):
        return False
    return symbolic.identical(answer.literal, answer.value, expected.literal, expected.value)


def _reading(value: Reading | sympy.Basic) -> Reading:
    return value if isinstance(value, Reading) else Reading(value, value)


def _tolerance(tolerance: Tolerance | dict[str, float] | None) -> Tolerance | None:
    if tolerance is None or isinstance(tolerance, Tolerance):
        return tolerance
    figures = tolerance.get("sigfigs")
    return Tolerance(
        float(tolerance.get("rel", 0.0)),
        float(tolerance.get("abs", 0.0)),
        int(figures) if figures else None,
    )


def _symbols(
    variables: Iterable[str | sympy.Symbol], answer: Reading, expected: Reading
) -> list[sympy.Symbol]:
    """The declared variables plus any other free symbol, in a stable order."""
    named = [name if isinstance(name, sympy.Symbol) else symbol(name) for name in variables]
    used = answer.literal.free_symbols | expected.literal.free_symbols
    return [s for s in named if s in used] + sorted(used - set(named), key=str)


def _confirm(answer: Reading, expected: Reading, deadline: float) -> Equivalence:
    """The bounded symbolic step; only trusted when both restrict their domains alike."""
    if symbolic.domain_conditions(answer.literal) != symbolic.domain_conditions(expected.literal):
        return Equivalence(None, How.UNDECIDED)
    try:
        values = answer.value, expected.value
    except MathInputError:  # a number too large to compute: nothing to prove with
        return Equivalence(None, How.UNDECIDED)
    if values[0] == values[1]:
        return Equivalence(True, How.IDENTICAL)
    proved = symbolic.confirm(*values, deadline - clock.cpu_seconds())
    return Equivalence(True, How.SYMBOLIC) if proved else Equivalence(None, How.UNDECIDED)


def _counterexample(
    answer: Function,
    expected: Function,
    outcome: Outcome,
    symbols: list[sympy.Symbol],
    tolerance: Tolerance | None,
    deadline: float,
    constant: bool = False,
) -> Equivalence:
    """A point to show the learner: a short decimal where possible, with both values there
    (the expected one only if it is not a `constant`, which would be the answer itself).

    Nice points are screened in floats and the one shown is confirmed at high precision.
    """
    names = [str(s) for s in symbols]
    domain = outcome.how == How.DOMAIN
    for point in _nice_points(len(symbols)):
        if clock.cpu_seconds() > deadline:
            break
        a, b = answer.at_float(point), expected.at_float(point)
        if Overflow in (a, b):
            continue
        if domain:
            candidate = (a is Undefined) != (b is Undefined)
        else:
            candidate = Undefined not in (a, b) and not floats_agree(a, b, tolerance)
        if candidate and compare_at(answer, expected, point, tolerance) == DIFFER:
            a, b = answer.at_precision(point, 30), expected.at_precision(point, 30)
            return _shown(outcome.how, names, point, a, b, constant=constant)
    found = outcome.point
    assert found is not None, "sampling that finds a difference says where"
    a, b = answer.at_precision(found, 30), expected.at_precision(found, 30)
    return _shown(outcome.how, names, found, a, b, digits=6, constant=constant)


def _nice_points(count: int) -> Iterator[tuple[float, ...]]:
    values = _NICE_VALUES
    for index in range(len(values)):
        yield tuple(values[(index + 3 * k) % len(values)] for k in range(count))


def _shown(
    how: How,
    names: list[str],
    point: Sequence[Any],
    a: Any,
    b: Any,
    digits: int = 3,
    constant: bool = False,
) -> Equivalence:
    shown_point = {name: _format(value, digits) for name, value in zip(names, point, strict=True)}
    for places in range(_SHOWN_DIGITS, 31):
        answer = None if a is Undefined else _number(a, places)
        expected = None if b is Undefined else _number(b, places)
        if answer != expected:
            break
    return Equivalence(False, how, shown_point, answer, expected, expected_shown=not constant)


def _format(value: float, digits: int) -> str:
    text = f"{value:.{digits}g}" if abs(value) >= 1e-3 else f"{value:.3e}"
    return text if len(text) < len(repr(value)) else repr(value)


def _number(value: Any, places: int) -> str:
    """A value with `places` significant digits and no trailing `.0`."""
    text: str = mpmath.nstr(value, places)
    return text.removesuffix(".0")


@clock.budgeted
def locate_difference(
    answer: Reading | sympy.Basic,
    expected: Reading | sympy.Basic,
    variables: Iterable[str | sympy.Symbol] = (),
    *,
    tolerance: Tolerance | dict[str, float] | None = None,
    budget_s: float = 0.15,
) -> Location | None:
    """Where a wrong `answer` differs from `expected`, when that is certain (see localise)."""
    deadline = clock.cpu_seconds() + budget_s
    answer, expected = _reading(answer), _reading(expected)
    try:
        ours, theirs = answer.value, expected.value
    except MathInputError:
        return None
    if isinstance(ours, sympy.MatrixBase) or isinstance(theirs, sympy.MatrixBase):
        return None
    variables = list(variables)

    def same(candidate: sympy.Basic, target: sympy.Basic) -> bool:
        remaining = deadline - clock.cpu_seconds()
        found = check_equivalent(
            Reading(candidate, candidate),
            Reading(target, target),
            variables,
            tolerance=tolerance,
            budget_s=max(remaining, 0.0),
        )
        return found.equivalent is True

    return locate(ours, theirs, answer.literal, same, deadline)
