"""Operators that authored (trusted) text may use, such as diff(expr, x, 2); never learner text."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy

from grader.mathinput.errors import MathInputError
from grader.mathinput.limits import evaluate_tree

# An evaluated argument or result: a SymPy expression or matrix, or a list of them ([x, y]).
Value = Any


def _symbol(value: Any, operator: str) -> sympy.Symbol:
    if not isinstance(value, sympy.Symbol):
        raise MathInputError(f"`{operator}`: {value} is not a variable")
    return value


def _count(value: Any, operator: str) -> int:
    if not (isinstance(value, sympy.Integer) and 0 <= value <= 20):
        raise MathInputError(f"`{operator}`: the order must be a whole number from 0 to 20")
    return int(value)


def _symbols(values: Any, operator: str) -> list[sympy.Symbol]:
    if not isinstance(values, list):
        raise MathInputError(f"`{operator}`: list the variables in brackets, e.g. [x, y]")
    return [_symbol(value, operator) for value in values]


def diff(expr: Value, variable: Value, order: Value = sympy.S.One, *more: Value) -> Value:
    """d^n expr / d variable^n; more (variable, order) pairs give mixed partials."""
    result = sympy.diff(expr, _symbol(variable, "diff"), _count(order, "diff"))
    for index in range(0, len(more), 2):
        pair = more[index : index + 2]
        result = sympy.diff(
            result,
            _symbol(pair[0], "diff"),
            _count(pair[-1] if len(pair) == 2 else sympy.S.One, "diff"),
        )
    return result


def gradient(expr: Value, variables: Value) -> sympy.Matrix:
    """The gradient of a scalar expression as a column vector."""
    return sympy.Matrix([sympy.diff(expr, v) for v in _symbols(variables, "gradient")])


def hessian(expr: Value, variables: Value) -> sympy.Matrix:
    """The matrix of second partial derivatives."""
    return sympy.hessian(expr, _symbols(variables, "hessian"))


def jacobian(outputs: Value, variables: Value) -> sympy.Matrix:
    """Outputs × inputs: row i holds the partial derivatives of output i."""
    if not isinstance(outputs, list):
        outputs = [outputs]
    return sympy.Matrix(outputs).jacobian(_symbols(variables, "jacobian"))


def taylor(expr: Value, variable: Value, point: Value, order: Value) -> Value:
    """The Taylor polynomial of `expr` about `point`, up to and including (x - point)^order."""
    x = _symbol(variable, "taylor")
    n = _count(order, "taylor")
    terms: list[Value] = []
    derivative = expr
    for k in range(n + 1):
        terms.append(derivative.subs(x, point) / sympy.factorial(k) * (x - point) ** k)
        derivative = sympy.diff(derivative, x)
    return sympy.Add(*terms)


def subs(expr: Value, variable: Value, value: Value) -> Value:
    """expr with `variable` replaced by `value`."""
    return expr.subs(_symbol(variable, "subs"), value)


def matrix(rows: Value) -> sympy.Matrix:
    """A matrix written as a list of rows, [[a, b], [c, d]]."""
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise MathInputError("`matrix`: write the rows as [[a, b], [c, d]]")
    return sympy.Matrix(rows)


def det(value: Value) -> Value:
    """The determinant of a square matrix (e.g. of a Jacobian)."""
    if not isinstance(value, sympy.MatrixBase) or not value.is_square:
        raise MathInputError("`det` needs a square matrix")
    return value.det()


def transpose(value: Value) -> Value:
    """The transpose of a matrix (rows become columns)."""
    if not isinstance(value, sympy.MatrixBase):
        raise MathInputError("`transpose` needs a matrix")
    return value.T


# name -> the function that applies it to evaluated arguments. Add new operators here.
def together(expr: Value) -> Value:
    """`together(e)`: e over one common denominator, with common factors cancelled (a worked
    solution's final form, not the sum of terms differentiation leaves)."""
    return sympy.factor(sympy.cancel(sympy.together(expr)))


REGISTRY: dict[str, Callable[..., Value]] = {
    "diff": diff,
    "gradient": gradient,
    "hessian": hessian,
    "jacobian": jacobian,
    "taylor": taylor,
    "subs": subs,
    "matrix": matrix,
    "det": det,
    "transpose": transpose,
    "together": together,
}


def apply(name: str, arguments: list[Any], column: int) -> Value:
    """The value of operator `name` on `arguments` (literal trees, evaluated first)."""
    values = [_evaluated(argument) for argument in arguments]
    try:
        return REGISTRY[name](*values)
    except MathInputError:
        raise
    except (TypeError, ValueError, sympy.SympifyError) as error:
        raise MathInputError(f"`{name}` at column {column}: {error}", column) from None


def _evaluated(argument: Any) -> Value:
    if isinstance(argument, list):
        return [_evaluated(item) for item in argument]
    return evaluate_tree(argument)
