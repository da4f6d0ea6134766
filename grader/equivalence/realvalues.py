"""Evaluating a SymPy tree as a real function, in floats or in mpmath at a chosen precision.

The evaluators follow the policy on real domains: log of a non-positive number, a square root (or
any non-integer power) of a negative number, 0 to a negative power, asin(2)... are undefined, not
complex. They are built as closures over the tree (no code generation, no eval).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from types import ModuleType
from typing import Any, TypeAlias

import mpmath
import sympy

from grader.mathinput.vocabulary import sigmoid


class Undefined(ArithmeticError):
    """The expression has no real value at this point."""


class Overflow(ArithmeticError):
    """The value is too large to compare at this point (the point is skipped, not judged)."""


class NotNumeric(ValueError):
    """The tree holds something that has no numeric evaluator (an unevaluated derivative...)."""


class Unsettled(ArithmeticError):
    """A value that moved with the precision it was computed at (tan(10^100) needs 100 digits)."""


# A value as a backend computes it: a float, or an mpmath number (mpmath ships no types).
Real: TypeAlias = Any
Values = Sequence[Real]
Evaluator = Callable[[Values], Real]
Function = Callable[[Real], Real]
# A backend's table: its functions by name, `number` (an int or float as the backend's number),
# and the constants `pi` and `E`.
Table = dict[str, Any]

_FLOAT_LIMIT = 1e150  # beyond this, float results are not compared
_MAG_LIMIT = 2**24  # binary digits of the largest magnitude computed in mpmath (~10^5000000)
_MP_LIMIT = mpmath.mpf(2) ** _MAG_LIMIT
_EXP_LIMIT_FLOAT = 340.0
_EXP_LIMIT_MP = 10000


def _float_backend() -> Table:
    def exp(v: float) -> float:
        if v > _EXP_LIMIT_FLOAT:
            raise Overflow
        return math.exp(v)

    def log(v: float) -> float:
        if v <= 0:
            raise Undefined
        return math.log(v)

    def sigmoid_value(v: float) -> float:
        if v >= 0:
            return 1.0 / (1.0 + math.exp(-v)) if v < 700 else 1.0
        return math.exp(v) / (1.0 + math.exp(v)) if v > -700 else 0.0

    return _common(math, exp, log, sigmoid_value, lambda v: v, math.pi, math.e)


def _mp_backend() -> Table:
    def exp(v: Real) -> Real:
        if v > _EXP_LIMIT_MP:
            raise Overflow
        return mpmath.exp(v)

    def log(v: Real) -> Real:
        if v <= 0:
            raise Undefined
        return mpmath.log(v)

    def sigmoid_value(v: Real) -> Real:
        return 1 / (1 + exp(-v))

    return _common(mpmath, exp, log, sigmoid_value, mpmath.mpf, mpmath.pi, mpmath.e)


def _common(
    lib: ModuleType,
    exp: Function,
    log: Function,
    sigmoid_value: Function,
    number: Function,
    pi: Real,
    e: Real,
) -> Table:
    """The function table of one backend; `lib` is math or mpmath (same function names)."""

    def reciprocal(v: Real) -> Real:
        if v == 0:
            raise Undefined
        return 1 / v

    def unit(v: Real) -> Real:
        if v > 1 or v < -1:
            raise Undefined
        return v

    def outside_unit(v: Real) -> Real:
        if -1 < v < 1:
            raise Undefined
        return 1 / v

    def at_least_one(v: Real) -> Real:
        if v < 1:
            raise Undefined
        return v

    def inside_unit(v: Real) -> Real:
        if not -1 < v < 1:
            raise Undefined
        return v

    return {
        "number": number,
        "pi": pi,
        "E": e,
        "exp": exp,
        "log": log,
        "sin": lib.sin,
        "cos": lib.cos,
        "tan": lambda v: lib.sin(v) * reciprocal(lib.cos(v)),
        "sec": lambda v: reciprocal(lib.cos(v)),
        "csc": lambda v: reciprocal(lib.sin(v)),
        "cot": lambda v: lib.cos(v) * reciprocal(lib.sin(v)),
        "asin": lambda v: lib.asin(unit(v)),
        "acos": lambda v: lib.acos(unit(v)),
        "atan": lib.atan,
        "asec": lambda v: lib.acos(outside_unit(v)),
        "acsc": lambda v: lib.asin(outside_unit(v)),
        "acot": lambda v: lib.atan(reciprocal(v)),
        "sinh": lambda v: (exp(v) - exp(-v)) / 2,
        "cosh": lambda v: (exp(v) + exp(-v)) / 2,
        "tanh": lib.tanh,
        "sech": lambda v: 2 / (exp(v) + exp(-v)),
        "csch": lambda v: reciprocal(exp(v) - exp(-v)) * 2,
        "coth": lambda v: reciprocal(lib.tanh(v)),
        "asinh": lib.asinh,
        "acosh": lambda v: lib.acosh(at_least_one(v)),
        "atanh": lambda v: lib.atanh(inside_unit(v)),
        "Abs": abs,
        "Max": max,
        "Min": min,
        "sign": lambda v: (v > 0) - (v < 0),
        "sigmoid": sigmoid_value,
        "reciprocal": reciprocal,
    }


_BACKENDS = {"float": _float_backend(), "mp": _mp_backend()}
_FUNCTION_NAMES = {
    sympy.sin: "sin", sympy.cos: "cos", sympy.tan: "tan", sympy.sec: "sec", sympy.csc: "csc",
    sympy.cot: "cot", sympy.asin: "asin", sympy.acos: "acos", sympy.atan: "atan",
    sympy.asec: "asec", sympy.acsc: "acsc", sympy.acot: "acot", sympy.sinh: "sinh",
    sympy.cosh: "cosh", sympy.tanh: "tanh", sympy.sech: "sech", sympy.csch: "csch",
    sympy.coth: "coth", sympy.asinh: "asinh", sympy.acosh: "acosh", sympy.atanh: "atanh",
    sympy.exp: "exp", sympy.log: "log", sympy.Abs: "Abs", sympy.sign: "sign", sigmoid: "sigmoid",
    sympy.Max: "Max", sympy.Min: "Min",
}  # fmt: skip


def compile_real(expr: sympy.Basic, variables: Sequence[sympy.Symbol], backend: str) -> Evaluator:
    """A function of the variables' values (in order) that returns expr's real value.

    It raises Undefined outside the real domain and Overflow when a value is too large to judge.
    """
    table = _BACKENDS[backend]
    index = {variable: position for position, variable in enumerate(variables)}
    limit = _FLOAT_LIMIT if backend == "float" else _MP_LIMIT
    inner = _compile(expr, index, table, backend)

    def evaluate(values: Values) -> Real:
        try:
            result = inner(values)
        except (OverflowError, ZeroDivisionError) as error:
            raise (Overflow if isinstance(error, OverflowError) else Undefined) from None
        if not (-limit < result < limit):
            raise Overflow
        return result

    return evaluate


def _compile(
    expr: sympy.Basic, index: dict[sympy.Symbol, int], table: Table, backend: str
) -> Evaluator:
    if expr.is_Symbol:
        if expr not in index:
            raise NotNumeric(f"no value for {expr}")
        position = index[expr]
        return lambda values: values[position]
    if expr.is_Number:
        return _constant(expr, table, backend)
    if expr is sympy.pi or expr is sympy.E:
        value = table["pi" if expr is sympy.pi else "E"]
        return lambda values: +value
    if expr.is_Add or expr.is_Mul:
        parts = [_compile(arg, index, table, backend) for arg in expr.args]
        return _sum(parts) if expr.is_Add else _product(parts)
    if expr.is_Pow:
        return _power(expr, index, table, backend)
    name = _FUNCTION_NAMES.get(expr.func)
    if name in ("Max", "Min"):
        function = table[name]
        arguments = [_compile(arg, index, table, backend) for arg in expr.args]
        return lambda values: function(argument(values) for argument in arguments)
    if name is not None and len(expr.args) == 1:
        function = table[name]
        argument = _compile(expr.args[0], index, table, backend)
        return lambda values: function(argument(values))
    raise NotNumeric(f"cannot evaluate {type(expr).__name__}")


def _constant(number: sympy.Number, table: Table, backend: str) -> Evaluator:
    """A number's value; mp values are made at call time, at the precision then in force."""
    if number.is_Rational:
        p, q = int(number.p), int(number.q)
        if backend == "float":
            value = p / q
            return lambda values: value
        if q == 1 and abs(p) < 2**53:
            value = mpmath.mpf(p)
            return lambda values: value
        return lambda values: mpmath.mpf(p) / q
    if number.is_Float:
        if backend == "float":
            value = float(number)
            return lambda values: value
        return lambda values: mpmath.mpf(number._mpf_)
    raise NotNumeric(f"cannot evaluate the number {number}")


def _sum(parts: list[Evaluator]) -> Evaluator:
    if len(parts) == 2:
        first, second = parts
        return lambda values: first(values) + second(values)

    def total(values: Values) -> Real:
        result = 0
        for part in parts:
            result = result + part(values)
        return result

    return total


def _product(parts: list[Evaluator]) -> Evaluator:
    if len(parts) == 2:
        first, second = parts
        return lambda values: first(values) * second(values)

    def product(values: Values) -> Real:
        result = 1
        for part in parts:
            result = result * part(values)
        return result

    return product


def _bounded(value: Real, n: Real) -> Real:
    """`value`, or Overflow when value^n would be beyond the largest magnitude computed."""
    if value != 0 and abs(mpmath.mag(value) * n) > _MAG_LIMIT:
        raise Overflow
    return value


def _power(
    expr: sympy.Pow, index: dict[sympy.Symbol, int], table: Table, backend: str
) -> Evaluator:
    """base^exponent on the principal real branch: negative bases need integer exponents."""
    base = _compile(expr.base, index, table, backend)
    exponent = expr.exp
    reciprocal = table["reciprocal"]
    if exponent.is_Integer:
        n = int(exponent)
        if backend == "mp" and abs(n) > 64:
            return lambda values: (
                reciprocal(_bounded(base(values), n)) ** -n
                if n < 0
                else (_bounded(base(values), n) ** n)
            )
        if n >= 0:
            return lambda values: base(values) ** n
        return lambda values: reciprocal(base(values)) ** -n
    if exponent.is_Rational and exponent.q == 2 and exponent.p == 1:
        sqrt = math.sqrt if backend == "float" else mpmath.sqrt

        def square_root(values: Values) -> Real:
            value = base(values)
            if value < 0:
                raise Undefined
            return sqrt(value)

        return square_root
    power = _compile(exponent, index, table, backend)

    def general(values: Values) -> Real:
        value, n = base(values), power(values)
        if backend == "mp":
            _bounded(value, n)
        if value > 0:
            return value**n
        if value == 0:
            if n > 0:
                return value * 0
            raise Undefined
        if n != int(n):
            raise Undefined
        return value ** int(n)

    return general


_SETTLING_DIGITS = (30, 60, 120)  # decimal digits, tried in turn until two agree
_AGREEING = mpmath.mpf("1e-25")  # relative difference of two values that agree
_NEGLIGIBLE_VALUE = mpmath.mpf("1e-20")  # two values this small agree: zero for any tolerance


def settled_value(expr: sympy.Basic) -> Real:
    """A constant expression's real value (an mpmath number), computed here, never by SymPy's
    evalf (which works on e^(e^(e^99)) without end), at rising precision until two agree.

    Raises Undefined or NotNumeric (no real value), Overflow (too large to compute) or Unsettled."""
    evaluate = compile_real(expr, (), "mp")
    previous = None
    for digits in _SETTLING_DIGITS:
        with mpmath.workdps(digits):
            value = evaluate(())
            if previous is not None and mpmath.almosteq(
                value, previous, _AGREEING, _NEGLIGIBLE_VALUE
            ):
                return value
        previous = value
    raise Unsettled
