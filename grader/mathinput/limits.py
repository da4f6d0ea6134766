"""Limits on everything a learner controls, and the guarded evaluation of a parsed tree."""

from __future__ import annotations

import math

import sympy

from grader.mathinput.errors import MathInputError

MAX_LENGTH = 2000  # characters of input (the API's 2 KB)
MAX_DEPTH = 60  # nested groups, functions and operators
MAX_NODES = 1500  # objects built for one input
MAX_DIGITS = 20  # significant digits of one written number
MAX_DECIMAL_EXPONENT = 300  # |n| in 1e-n beyond which a number is kept as m·10^n, unexpanded
MAX_WRITTEN_EXPONENT = 10**6  # |n| in a written 1e-n
MAX_NUMBER_DIGITS = 10**6  # digits of a power of numbers (compared in arbitrary precision)
MAX_EXPONENT = 1000  # |n| in x^n that SymPy may evaluate (sampling has no such limit)
MAX_RESULT_DIGITS = 2000  # digits of a number the parser computes (2^1000 is 302 digits)
MAX_FACTORIAL = 100  # n in n! (100! has 158 digits; a Taylor series needs a dozen)
# Digits of a number whose root SymPy may take: it looks for perfect powers and small factors,
# which took 0.5 s for the square root of a 2,000-digit number (and ~1 ms at 50 digits).
MAX_ROOT_DIGITS = 50


def evaluate_tree(expr: sympy.Basic) -> sympy.Basic:
    """`expr` as SymPy evaluates it, refusing any power whose result would be too large to compute."""
    if isinstance(expr, sympy.MatrixBase) or not expr.args:
        return expr
    args = [evaluate_tree(arg) for arg in expr.args]
    if isinstance(expr, sympy.Pow):
        check_power(args[0], args[1])
        result = sympy.Pow(args[0], args[1])
        if isinstance(result, sympy.Pow) and result.exp.is_Integer:
            check_power(result.base, result.exp)
        return result
    return expr.func(*args)


def check_power(base: sympy.Basic, exponent: sympy.Basic) -> None:
    """Raise MathInputError when base^exponent would make SymPy compute a number too large, or
    the root of a number too large to search for perfect powers.

    Powers of symbols, sums and functions stay unexpanded whatever the exponent."""
    if not exponent.is_Rational:
        return
    size = abs(exponent.p)
    if base.is_Rational:
        if base.is_zero or (abs(base.p) == 1 and base.q == 1):
            return
        digits = math.log10(abs(base.p)) + math.log10(base.q)
        if (
            size * digits > MAX_RESULT_DIGITS
            or exponent.q > MAX_EXPONENT
            or (exponent.q > 1 and digits > MAX_ROOT_DIGITS)
        ):
            raise MathInputError("a number is too large: keep powers of numbers small")
    elif exponent.q > MAX_EXPONENT:
        raise MathInputError(f"an exponent is too large (at most {MAX_EXPONENT})")
    elif isinstance(base, sympy.Mul):
        # (2x)^n distributes to 2^n x^n, and sqrt(2e) to sqrt(2) sqrt(e): each factor's power
        # must be computable.
        for factor in base.args:
            check_power(factor, exponent)
    elif isinstance(base, sympy.Pow):
        # (b^e)^n is b^(e·n) (sqrt(2)^(2^50) is 2^(2^49)): that power must be computable.
        check_power(base.base, base.exp * exponent)


def read_decimal(text: str, column: int) -> sympy.Expr:
    """A written number (integer, decimal or scientific) as an exact SymPy Rational (m·10^n)."""
    mantissa, _, power = text.lower().partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    if len(digits) > MAX_DIGITS:
        raise MathInputError(f"a number is too large (at most {MAX_DIGITS} digits)", column)
    exponent = int(power) - len(fraction) if power else -len(fraction)
    value = int(whole + fraction or "0")
    if abs(exponent) > MAX_WRITTEN_EXPONENT and value:
        raise MathInputError("a number is too large (at most 10^1000000)", column)
    if abs(exponent) > MAX_DECIMAL_EXPONENT and value:
        # Kept as written, m·10^n: exact, compared in arbitrary precision, never expanded.
        scale = sympy.Pow(sympy.Integer(10), sympy.Integer(exponent), evaluate=False)
        return sympy.Mul(sympy.Integer(value), scale, evaluate=False)
    if exponent >= 0:
        return sympy.Integer(value * 10**exponent)
    return sympy.Rational(value, 10**-exponent)
