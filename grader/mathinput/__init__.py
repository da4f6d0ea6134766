"""Tangent's safe math parser: learner and authored text to SymPy, from an allow-list only.

Learner text is never given to eval, exec, sympify or parse_expr: a small grammar builds SymPy
objects from known numbers, variables, constants and functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import sympy

from grader.mathinput.errors import MathInputError
from grader.mathinput.printing import to_latex
from grader.mathinput.reading import Reading, read, read_condition

__all__ = [
    "MathInputError",
    "Reading",
    "evaluate_number",
    "parse",
    "parse_condition",
    "preview",
    "read",
    "to_latex",
]


def parse(
    text: str,
    variables: Iterable[str] = (),
    *,
    params: Mapping[str, object] | None = None,
    functions: Iterable[str] = (),
    trusted: bool = False,
) -> sympy.Expr:
    """`text` as an evaluated SymPy expression (a Matrix for authored arrays); MathInputError if not.

    Examples
    --------
    >>> parse("x^2 + 2x + 1", ["x"])
    x**2 + 2*x + 1
    >>> parse("{a}*x", ["x"], params={"a": 3}, trusted=True)
    3*x
    """
    return read(text, variables, params=params, functions=functions, trusted=trusted).value


def parse_condition(text: str, params: Mapping[str, object]) -> bool:
    """The truth of an authored condition such as `a == n` or `a*b == 0 or c < 2`."""
    return read_condition(text, params)


def evaluate_number(text: str, params: Mapping[str, object] | None = None) -> sympy.Number:
    """An authored numeric expression's exact value: a Rational where possible, else a 30-digit Float."""
    value = read(text, (), params=params, trusted=True).value
    if isinstance(value, sympy.MatrixBase) or value.free_symbols:
        raise MathInputError(f"`{text}` is not a number: it still has variables")
    if value.is_Rational:
        return value
    from grader.equivalence.realvalues import (
        NotNumeric,
        Overflow,
        Undefined,
        Unsettled,
        settled_value,
    )

    try:
        approximate = settled_value(value)
    except (NotNumeric, Overflow, Undefined, Unsettled):
        raise MathInputError(f"`{text}` is not a finite real number") from None
    return sympy.Float(approximate, 30)


def preview(
    text: str,
    variables: Iterable[str] = (),
    *,
    latex_input: bool = False,
    functions: Iterable[str] = (),
    params: Mapping[str, object] | None = None,
    euler: bool = False,
) -> str:
    """The LaTeX of how the parser reads a learner's answer, as written (raises MathInputError)."""
    reading = read(
        text, variables, params=params, functions=functions, latex=latex_input, euler=euler
    )
    return to_latex(reading.literal)
