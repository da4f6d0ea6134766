"""Reading text into SymPy: the literal tree (for domains) and its evaluated value."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from fractions import Fraction

import sympy

from grader.mathinput.errors import MathInputError
from grader.mathinput.grammar import Parser, Scope, Tree
from grader.mathinput.limits import MAX_LENGTH, evaluate_tree
from grader.mathinput.named import right_side
from grader.mathinput.tokens import tokenize
from grader.mathinput.vocabulary import symbol


class Reading:
    """An expression as written (`literal`, unevaluated: sqrt(x)^2 stays so) and as SymPy evaluates it.

    `value` is computed on first use: grading by sampling needs only the literal tree.
    """

    __slots__ = ("_value", "literal")

    def __init__(self, literal: sympy.Basic, value: sympy.Basic | None = None):
        self.literal = literal
        self._value = value

    @property
    def value(self) -> sympy.Basic:
        if self._value is None:
            self._value = evaluate_tree(self.literal)
        return self._value

    @property
    def evaluated(self) -> bool:
        return self._value is not None

    def __repr__(self) -> str:
        return f"Reading({self.literal!r})"


def read(
    text: str,
    variables: Iterable[str] = (),
    *,
    params: Mapping[str, object] | None = None,
    functions: Iterable[str] = (),
    trusted: bool = False,
    latex: bool = False,
    euler: bool = False,
) -> Reading:
    """Parse `text` (calculator syntax, or the LaTeX subset when `latex`) into a Reading.

    `euler`: the question's answers use Euler's number, so `4e+2` is refused as ambiguous. A
    learner may write the quantity's name first (`y = 1 + x/4`): the right side is read.

    Parameters
    ----------
    text : str
        What the learner (or, when `trusted`, the author) wrote.
    variables : iterable of str
        The names that are variables; any other unknown name is refused.
    params : mapping, optional
        Parameter values for the `{name}` placeholders of authored text.
    functions : iterable of str
        Names of undefined functions the text may apply, such as ``f`` in ``f(x)``.
    trusted, latex, euler : bool
        Authored text; LaTeX input; Euler's number in play.

    Returns
    -------
    Reading
        The tree as written (`literal`) and, on first use, as SymPy evaluates it (`value`).

    Raises
    ------
    MathInputError
        The text is not an expression here; the message says why and where.

    Examples
    --------
    >>> read("2x sin(x)", ["x"])
    Reading(2*x*sin(x))
    >>> read(r"\\frac{x^2}{2}", ["x"], latex=True).value
    x**2/2
    >>> read("2y", ["x"])
    Traceback (most recent call last):
    ...
    grader.mathinput.errors.MathInputError: `y` is not a variable in this question (use x)
    """
    dropped = 0
    if not trusted and not latex and isinstance(text, str):
        text, dropped = right_side(text, variables)
    try:
        literal = _parse(text, _scope(variables, params, functions, trusted), latex, euler)
    except MathInputError as error:
        if dropped and error.column is not None:
            raise MathInputError(error.message, error.column + dropped) from None
        raise
    if isinstance(literal, list):
        literal = _as_matrix(literal)
        return Reading(literal, literal)
    if isinstance(literal, (bool, str)):
        raise MathInputError("expected an expression, not a condition or text")
    return Reading(literal)


def read_condition(text: str, params: Mapping[str, object]) -> bool:
    """The truth of an authored condition over parameter values."""
    scope = _scope((), params, (), True)
    scope.conditions = True
    result = _parse(text, scope, False)
    if not isinstance(result, bool):
        raise MathInputError("a condition must compare values, e.g. `a == n` or `a*b != 0`")
    return result


def _parse(text: str, scope: Scope, latex: bool, euler: bool = False) -> Tree:
    if not isinstance(text, str):
        raise MathInputError("the answer must be text")
    if len(text) > MAX_LENGTH:
        raise MathInputError(f"the answer is too long (at most {MAX_LENGTH} characters)")
    if latex:
        from grader.mathinput.latex import tokenize_latex

        tokens = tokenize_latex(text)
    else:
        tokens = tokenize(text, conditions=scope.conditions, euler=euler)
    try:
        return Parser(tokens, scope).parse()
    except RecursionError:
        raise MathInputError("the expression is nested too deeply") from None


def _scope(
    variables: str | Iterable[str],
    params: Mapping[str, object] | None,
    functions: Iterable[str],
    trusted: bool,
) -> Scope:
    params = dict(params or {})
    if isinstance(variables, str):
        variables = [variables]
    names = {name: symbol(name) for name in variables if name not in params}
    scope = Scope(names, params, frozenset(functions), trusted)
    cache: dict[str, sympy.Basic] = {}

    def param_reader(name: str, column: int) -> sympy.Basic:
        if name not in cache:
            cache[name] = _param_value(name, params[name], scope, column)
        return cache[name]

    scope.param_reader = param_reader
    return scope


def _param_value(name: str, value: object, scope: Scope, column: int) -> Tree:
    """A parameter's exact value: ints, floats read as the short decimal they print as, text parsed."""
    if isinstance(value, bool):
        raise MathInputError(f"parameter `{name}` is a truth value, not a number", column)
    if isinstance(value, int):
        return sympy.Integer(value)
    if isinstance(value, float):
        return sympy.Rational(repr(value))
    if isinstance(value, (Fraction, Decimal)):
        return sympy.Rational(str(value))
    if isinstance(value, sympy.Basic):
        return value
    if isinstance(value, str):
        if scope.conditions:
            return value
        # Other parameters may appear in the text (`inner = a*x^2 + b`); not this one.
        others = {key: v for key, v in scope.params.items() if key != name}
        inner = Scope(scope.variables, others, scope.functions, scope.trusted)
        inner.param_reader = scope.param_reader
        try:
            return Parser(tokenize(value), inner).parse()
        except MathInputError as error:
            raise MathInputError(
                f"parameter `{name}` = {value!r}: {error.message}", column
            ) from None
    raise MathInputError(f"parameter `{name}` has a value of type {type(value).__name__}", column)


def _as_matrix(rows: list[Tree]) -> sympy.Matrix:
    if all(isinstance(row, list) for row in rows):
        widths = {len(row) for row in rows}
        if len(widths) != 1:
            raise MathInputError("the rows of the matrix have different lengths")
        return sympy.Matrix([[evaluate_tree(item) for item in row] for row in rows])
    if any(isinstance(row, list) for row in rows):
        raise MathInputError("mix of rows and entries in a matrix")
    return sympy.Matrix([evaluate_tree(item) for item in rows])
