"""Comparing two real functions at random points, in floats first and in mpmath where it matters.

Points avoid integers and other special values. A float disagreement is confirmed at high precision
before it counts (cancellation can fool floats, e.g. (1+x)^20 against its expansion near x = -1);
float agreement is confirmed at high precision on a few points, so decimals stay exact (1.0001x is
not x) unless the exercise sets a tolerance.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import mpmath
import sympy

from grader.equivalence import clock
from grader.equivalence.realvalues import Evaluator, Overflow, Undefined, compile_real
from grader.equivalence.verdicts import How

Point = tuple[Any, ...]  # a value for each variable, in order (floats, or exact lattice values)


class AtPoint(StrEnum):
    """What the two sides do at one point, compared at high precision."""

    AGREE = "agree"
    DIFFER = "differ"
    UNDEFINED = "undefined"  # neither side is defined there
    UNCLEAR = "unclear"  # the precisions did not settle it


AGREE, DIFFER, UNDEFINED, UNCLEAR = (
    AtPoint.AGREE,
    AtPoint.DIFFER,
    AtPoint.UNDEFINED,
    AtPoint.UNCLEAR,
)

_PRECISIONS = (30, 50, 80)
_CONFIRMED_POINTS = 1
_NEGLIGIBLE = mpmath.mpf("1e-25")
_VISIBLE = mpmath.mpf("1e-12")
_SETTLED = mpmath.mpf("1e-3")
_TINY = mpmath.mpf("1e-20")


@dataclass(frozen=True)
class Tolerance:
    """Values agree when |a - b| <= absolute + relative * |b| (+ half a unit in the last of
    `figures` significant figures of b, when the exercise states a precision)."""

    relative: float = 0.0
    absolute: float = 0.0
    figures: int | None = None

    def slack(self, expected: Any) -> float:
        slack = float(self.absolute + self.relative * abs(expected))
        if self.figures and expected != 0:
            exponent = math.floor(math.log10(abs(float(expected))))
            slack += 0.5 * 10 ** (exponent - self.figures + 1)
        return slack


@dataclass
class Outcome:
    """What sampling found: a verdict (True/False/None), how, and the deciding point if any."""

    equivalent: bool | None
    how: How
    point: Point | None = None


class Function:
    """One side of the comparison: evaluators of a tree in floats and at each mp precision."""

    def __init__(self, expr: sympy.Basic, variables: Sequence[sympy.Symbol]):
        self.expr = expr
        self.variables = variables
        self.in_floats = compile_real(expr, variables, "float")
        self._mp: Evaluator | None = None
        self._known: dict[tuple[Point, int], Any] = {}  # (point, digits) -> value, as points recur

    def at_float(self, point: Sequence[float]) -> Any:
        """The float value, or Undefined / Overflow (the exception class) when there is none."""
        try:
            return self.in_floats(point)
        except (Undefined, Overflow) as error:
            return type(error)

    def at_precision(self, point: Sequence[float], digits: int) -> Any:
        """The value with `digits` significant digits, or Undefined / Overflow."""
        key = (tuple(point), digits)
        if key in self._known:
            return self._known[key]
        if self._mp is None:
            self._mp = compile_real(self.expr, self.variables, "mp")
        with mpmath.workdps(digits):
            try:
                value = self._mp([mpmath.mpf(value) for value in point])
            except (Undefined, Overflow) as error:
                value = type(error)
        self._known[key] = value
        return value

    def accurate_at(self, point: Sequence[float], value: Any) -> bool:
        """Whether the float value agrees with a high-precision `value` to six digits.

        If so, the computation loses few digits to cancellation here, and the high-precision
        value is accurate far beyond the float's sixteen digits.
        """
        in_floats = self.at_float(point)
        if in_floats in (Undefined, Overflow):
            return False
        return bool(abs(in_floats - float(value)) <= 1e-6 * abs(float(value)))


def draw_points(count_variables: int, seed: int) -> Iterator[Point]:
    """Endless random points; each coordinate from a mix of scales, never near an integer.

    Every other point has all coordinates positive, so functions defined only there (sqrt(x y z),
    log x + log y) still meet enough points where they are defined.
    """
    rng = random.Random(seed)
    scales = ((-2.0, 2.0), (0.05, 1.0), (-4.0, 4.0), (1.0, 8.0), (-1.0, -0.05), (-8.0, -1.0))
    round_index = 0
    while True:
        point = []
        for variable in range(count_variables):
            low, high = scales[(round_index + 2 * variable) % len(scales)]
            value = rng.uniform(low, high)
            while abs(value - round(value)) < 0.03 or abs(2 * value - round(2 * value)) < 0.02:
                value = rng.uniform(low, high)
            point.append(abs(value) if round_index % 2 else value)
        round_index += 1
        yield tuple(point)


def compare_at(
    answer: Function, expected: Function, point: Point, tolerance: Tolerance | None
) -> AtPoint:
    """AGREE, DIFFER, UNDEFINED (neither is defined) or UNCLEAR at one point, at high precision.

    Being defined must read the same at two precisions before it counts, and equal values must
    agree within the error estimated from the change between precisions.
    """
    previous: tuple[Any, Any] | None = None
    for digits in _PRECISIONS:
        a, b = answer.at_precision(point, digits), expected.at_precision(point, digits)
        if a is Overflow or b is Overflow:
            return UNCLEAR
        defined = (a is not Undefined, b is not Undefined)
        if defined != (True, True):
            if previous == defined:
                return UNDEFINED if defined == (False, False) else DIFFER
            previous = defined
            continue
        if tolerance is not None:
            return AGREE if abs(a - b) <= tolerance.slack(b) * (1 + 1e-9) else DIFFER
        gap = abs(a - b)
        if gap <= _NEGLIGIBLE * (abs(a) + abs(b)):
            # Two separate computations rarely agree this closely by accident, and written
            # numbers have at most 20 digits, so a real difference would show above this.
            return AGREE
        if (
            previous is None
            and gap > _VISIBLE * (abs(a) + abs(b))
            and answer.accurate_at(point, a)
            and expected.accurate_at(point, b)
        ):
            return DIFFER
        if isinstance(previous, tuple) and not isinstance(previous[0], bool):
            error = abs(previous[0] - a) + abs(previous[1] - b)
            error += (abs(a) + abs(b)) * mpmath.mpf(10) ** (5 - digits)
            if gap <= 2 * error and error <= _SETTLED * (abs(a) + abs(b)) + _TINY:
                return AGREE  # close within an error that is small beside the values
            if gap > 100 * error:
                return DIFFER
        previous = (a, b)
    return UNCLEAR


def floats_agree(a: float, b: float, tolerance: Tolerance | None) -> bool:
    """Whether two float values agree (a screen only: high precision has the last word)."""
    if tolerance is not None:
        return abs(a - b) <= tolerance.slack(b) * (1 + 1e-9) + 1e-300
    return abs(a - b) <= 1e-9 * (abs(a) + abs(b)) + 1e-13


def sample(
    answer: Function,
    expected: Function,
    *,
    tolerance: Tolerance | None,
    deadline: float,
    seed: int,
    wanted: int = 10,
) -> Outcome:
    """Compare the two functions at random points until `wanted` defined points agree or one differs."""
    count = len(answer.variables)
    if count == 0:
        verdict = compare_at(answer, expected, (), tolerance)
        equivalent = {AGREE: True, DIFFER: False}.get(verdict)
        return Outcome(equivalent, How.VALUES_DIFFER if equivalent is False else How.SAMPLING, ())
    agreeing: list[Point] = []
    tries = 0
    for point in draw_points(count, seed):
        tries += 1
        if len(agreeing) >= wanted + 2 * (count - 1) or tries > 120:
            break
        if clock.cpu_seconds() > deadline:
            return Outcome(None, How.TIME)
        a, b = answer.at_float(point), expected.at_float(point)
        if a is Undefined and b is Undefined:
            continue
        if Overflow not in (a, b) and Undefined not in (a, b) and floats_agree(a, b, tolerance):
            agreeing.append(point)
            continue
        # Values beyond floats ((1+x)^6000, 1e999) are compared in arbitrary precision.
        verdict = compare_at(answer, expected, point, tolerance)
        if verdict == DIFFER:
            one_sided = (a is Undefined) != (b is Undefined)
            return Outcome(False, How.DOMAIN if one_sided else How.VALUES_DIFFER, point)
        if verdict == AGREE:
            agreeing.append(point)
    lattice = lattice_points(answer, expected)
    if len(agreeing) < wanted:
        # Defined almost nowhere, as (-2)^n is: compare where the exponents make it defined.
        return _on_lattice(answer, expected, lattice, tolerance, deadline, wanted)
    found = _lattice_difference(answer, expected, lattice, tolerance, deadline)
    if found is not None:
        return found
    if tolerance is None:
        smallest_first = sorted(agreeing, key=lambda point: max(map(abs, point)))
        for point in smallest_first[:_CONFIRMED_POINTS]:
            if clock.cpu_seconds() > deadline:
                return Outcome(None, How.TIME)
            verdict = compare_at(answer, expected, point, None)
            if verdict == DIFFER:
                return Outcome(False, How.VALUES_DIFFER, point)
            if verdict == UNCLEAR:
                return Outcome(None, How.UNDECIDED)
    return Outcome(True, How.SAMPLING)


# Exponent values where powers of negative bases are defined, or change branch: whole numbers,
# halves and thirds (so (a^2)^(1/2) = |a| meets a^1 = a).
_LATTICE = (2, -1, 3, 1, -2, 4, 0.5, -3, 5, 1.5, 0, -0.5, 6, 1 / 3, -4, 2.5, 7, -1.5, 2 / 3, 8)
_BASES = (-1.3, 0.7)  # the other variables: negative, then positive
_LATTICE_POINTS = 400


def lattice_points(answer: Function, expected: Function) -> list[Point]:
    """Points where each variable of a symbolic exponent takes a value from _LATTICE and the
    others one of _BASES (empty when no exponent has a variable)."""
    variables = answer.variables
    in_exponents = set()
    for expr in (answer.expr, expected.expr):
        for node in sympy.preorder_traversal(expr):
            if node.is_Pow and node.exp.free_symbols:
                in_exponents |= node.exp.free_symbols
    positions = [i for i, v in enumerate(variables) if v in in_exponents]
    if not positions:
        return []
    combos = itertools.product(_LATTICE, repeat=len(positions))
    points = []
    for combo in itertools.islice(combos, _LATTICE_POINTS // len(_BASES)):
        for step, base in enumerate(_BASES):
            point = [base + 0.17 * i * (step + 1) for i in range(len(variables))]
            for position, value in zip(positions, combo, strict=True):
                point[position] = float(value)
            points.append(tuple(point))
    return points


def _on_lattice(
    answer: Function,
    expected: Function,
    points: list[Point],
    tolerance: Tolerance | None,
    deadline: float,
    wanted: int,
) -> Outcome:
    """The verdict from lattice points alone: every defined point must agree, `wanted` of them."""
    agreeing = 0
    for point in points:
        if clock.cpu_seconds() > deadline:
            return Outcome(None, How.TIME)
        a, b = answer.at_float(point), expected.at_float(point)
        if a is Undefined and b is Undefined:
            continue
        if Overflow not in (a, b) and Undefined not in (a, b) and floats_agree(a, b, tolerance):
            agreeing += 1
            continue
        verdict = compare_at(answer, expected, point, tolerance)
        if verdict == DIFFER:
            one_sided = (a is Undefined) != (b is Undefined)
            return Outcome(False, How.DOMAIN if one_sided else How.VALUES_DIFFER, point)
        agreeing += verdict == AGREE
    if agreeing < wanted:
        return Outcome(None, How.UNDECIDED)
    return Outcome(True, How.SAMPLING)


def _lattice_difference(
    answer: Function,
    expected: Function,
    points: list[Point],
    tolerance: Tolerance | None,
    deadline: float,
) -> Outcome | None:
    """A lattice point where both sides are defined and differ: (a^b)^c against a^(bc)."""
    for point in points:
        if clock.cpu_seconds() > deadline:
            return Outcome(None, How.TIME)
        a, b = answer.at_float(point), expected.at_float(point)
        if Undefined in (a, b) or Overflow in (a, b) or floats_agree(a, b, tolerance):
            continue
        if compare_at(answer, expected, point, tolerance) == DIFFER:
            return Outcome(False, How.VALUES_DIFFER, point)
    return None
