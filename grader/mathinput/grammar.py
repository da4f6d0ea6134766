"""A Pratt parser from tokens to a literal SymPy tree (built unevaluated, so domains survive).

Precedence, loosest first: or, and, not, comparisons (conditions only); + -; * / and implicit
multiplication (left to right, so 1/2x is x/2); unary minus (so -x^2 is -(x^2)); ^ (right-assoc).
A function name without parentheses takes the implicit product that follows it: sin 2x is sin(2x),
sin x cos x is sin(x)cos(x), sin x/2 is sin(x)/2.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import sympy
from sympy import Abs, Add, Mul, Pow
from sympy.core.logic import fuzzy_and

from grader.mathinput import operators
from grader.mathinput.errors import MathInputError
from grader.mathinput.limits import (
    MAX_DEPTH,
    MAX_FACTORIAL,
    MAX_NODES,
    MAX_NUMBER_DIGITS,
    evaluate_tree,
    read_decimal,
)
from grader.mathinput.tokens import Token
from grader.mathinput.vocabulary import (
    ALIASES,
    CONSTANTS,
    FUNCTIONS,
    GREEK,
    OPTIONAL_FUNCTIONS,
    function_named,
    inverse_name,
)
from grader.results import literal

# What parsing builds: a SymPy tree (SymPy ships no types), a truth value or text in a
# condition, or a list (an argument of a trusted operator).
Tree: TypeAlias = Any

_SUM, _PRODUCT, _PREFIX, _POWER = 10, 20, 25, 30
_COMPARE, _NOT, _AND, _OR = 6, 5, 4, 3
_COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
_KEYWORDS = {"and", "or", "not"}
_OPERAND_STARTS = {"num", "name", "(", "|"}
_LONGEST_BUILT_IN = max(
    map(
        len,
        [*FUNCTIONS, *ALIASES, *OPTIONAL_FUNCTIONS, *CONSTANTS, *operators.REGISTRY, *_KEYWORDS],
    )
)


@dataclass
class Scope:
    """What names mean in one question: variables, parameter values, declared functions."""

    variables: dict[str, sympy.Symbol]
    params: Mapping[str, object] = field(default_factory=dict)
    functions: frozenset[str] = frozenset()
    trusted: bool = False
    conditions: bool = False
    param_reader: Callable[[str, int], sympy.Basic] | None = None

    @functools.cached_property
    def longest_name(self) -> int:
        """The length of the longest name this scope could know: no piece of a run is longer."""
        return max([_LONGEST_BUILT_IN, *map(len, self.params), *map(len, self.variables)])

    def knows(self, name: str) -> bool:
        return (
            name in self.params
            or name in self.variables
            or function_named(name, self.functions) is not None
            or name in CONSTANTS
            or (self.trusted and name in operators.REGISTRY)
            or (self.conditions and name in _KEYWORDS)
        )


class Parser:
    """Reads one token list; `parse()` returns the literal tree (or a bool in condition mode)."""

    def __init__(self, tokens: list[Token], scope: Scope):
        self.tokens = tokens
        self.position = 0
        self.scope = scope
        self.depth = 0
        self.nodes = 0
        self.bars = 0  # how many |...| are open
        self.chains: set[int] = set()  # ids of the Add/Mul chains this parser built

    def parse(self) -> Tree:
        if self.tokens[0].kind == "end":
            raise MathInputError("the answer is empty", 1)
        result = self.expression(0)
        token = self.peek()
        if token.kind != "end":
            if token.kind == ")":
                raise MathInputError(f"unbalanced `)` at column {token.column}", token.column)
            raise self.unexpected(token)
        return result

    # -- token stream -------------------------------------------------------------------------

    def peek(self) -> Token:
        return self.tokens[self.position]

    def advance(self) -> Token:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def expect_close(self, opener: Token, closer: str) -> None:
        token = self.peek()
        if token.kind == closer:
            self.position += 1
            return
        if token.kind in ("end", ")", "|") or token.text == ",":
            what = "|" if opener.kind == "|" else opener.text
            raise MathInputError(
                f"unbalanced {literal(what)} at column {opener.column}", opener.column
            )
        raise self.unexpected(token)

    def unexpected(self, token: Token) -> MathInputError:
        if token.kind == "end":
            return MathInputError("the expression ends too early", token.column)
        if token.text == "=":
            return MathInputError(
                f"`=` at column {token.column}: enter only the expression, not an equation",
                token.column,
            )
        return MathInputError(
            f"unexpected {literal(token.text)} at column {token.column}", token.column
        )

    def count(self, amount: int = 1) -> None:
        self.nodes += amount
        if self.nodes > MAX_NODES:
            raise MathInputError("the expression is too long")

    # -- expressions --------------------------------------------------------------------------

    def expression(self, min_power: int, bare: bool = False) -> Tree:
        """An expression whose operators bind more tightly than `min_power`.

        `bare` is the argument of a function written without parentheses: it stops at explicit
        operators and at the next function name.
        """
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise MathInputError("the expression is nested too deeply", self.peek().column)
        left = self.prefix(bare)
        while True:
            token = self.peek()
            kind, text = token.kind, token.text
            if kind == "op":
                if text == "!":  # after anything but digits, which prefix() has read with theirs
                    raise _not_a_factorial(token.column)
                power = _binding(text, self.scope.conditions)
                if power is None:
                    raise self.unexpected(token)
                if power <= min_power or (bare and power < _POWER):
                    break
                self.position += 1
                if text == "^":
                    left = self.power(left, self.expression(_POWER - 1), token)
                elif power == _COMPARE:
                    left = _compare(text, left, self.expression(_COMPARE), token)
                else:
                    left = self.combine(text, left, self.expression(power))
            elif kind == "name" and text in _KEYWORDS and self.scope.conditions:
                power = _AND if text == "and" else _OR if text == "or" else None
                if power is None:
                    raise self.unexpected(token)
                if power <= min_power:
                    break
                self.position += 1
                right = self.expression(power)
                left = (left and right) if text == "and" else (left or right)
            elif kind in _OPERAND_STARTS and not (kind == "|" and self.bars):
                if min_power >= _PRODUCT and not bare:
                    break
                if bare and kind == "name" and self.is_function(text):
                    break
                if kind == "num" and self.tokens[self.position - 1].kind == "num":
                    raise MathInputError(
                        f"two numbers in a row at column {token.column}: write * between them",
                        token.column,
                    )
                left = self.combine("*", left, self.expression(_PRODUCT, bare))
            else:
                break
        self.depth -= 1
        return left

    def prefix(self, bare: bool) -> Tree:
        token = self.advance()
        kind = token.kind
        if kind == "num":
            self.count()
            number = read_decimal(token.text, token.column)
            return self.factorial(number, self.advance()) if self.peek().text == "!" else number
        if kind == "name":
            return self.name(token, bare)
        if kind == "(":
            inner = self.expression(0)
            self.expect_close(token, ")")
            return inner
        if kind == "|":
            self.bars += 1
            inner = self.expression(0)
            self.expect_close(token, "|")
            self.bars -= 1
            self.count()
            return Abs(inner, evaluate=False)
        if kind == "op" and token.text in "+-":
            operand = self.expression(_PREFIX, bare)
            return self.negate(operand) if token.text == "-" else operand
        if kind == "str" and self.scope.conditions:
            return token.text
        if kind == "[" and self.scope.trusted:
            return self.bracketed_list(token)
        self.position -= 1
        if kind == ")":
            if self.position == 0 or self.tokens[self.position - 1].kind in (
                "(",
                "op",
                ",",
            ):
                raise MathInputError(
                    f"missing expression before `)` at column {token.column}",
                    token.column,
                )
            raise MathInputError(f"unbalanced `)` at column {token.column}", token.column)
        if kind == "end":
            previous = self.tokens[self.position - 1] if self.position else None
            after = f" after {literal(previous.text)}" if previous else ""
            raise MathInputError(f"the expression ends too early{after}", token.column)
        if kind == "op" and token.text == "^":
            raise MathInputError(f"`^` at column {token.column} has nothing to raise", token.column)
        raise self.unexpected(token)

    def factorial(self, number: sympy.Expr, bang: Token) -> sympy.Expr:
        """n! of a whole number written as digits (`x^3/3!` in a Taylor series), computed."""
        if not (number.is_Integer and 0 <= number <= MAX_FACTORIAL):
            raise _not_a_factorial(bang.column)
        return sympy.factorial(number)

    # -- names --------------------------------------------------------------------------------

    def is_function(self, name: str) -> bool:
        if name in self.scope.params or name in self.scope.variables:
            return False
        return function_named(name, self.scope.functions) is not None or (
            self.scope.trusted and name in operators.REGISTRY
        )

    def name(self, token: Token, bare: bool) -> Tree:
        name = token.text
        scope = self.scope
        if scope.conditions and name in _KEYWORDS:
            if name != "not":
                raise self.unexpected(token)
            return not self.expression(_NOT)
        if name in scope.params:
            assert scope.param_reader is not None, "a scope with params reads them"
            self.count()
            return scope.param_reader(name, token.column)
        if name in scope.variables:
            self.count()
            return scope.variables[name]
        function = function_named(name, scope.functions)
        if function is not None:
            return self.application(token, function)
        if name in CONSTANTS:
            self.count()
            return CONSTANTS[name]
        if scope.trusted and name in operators.REGISTRY:
            return self.operator(token)
        base = _log_base(name, token.column)
        if base is not None:
            argument = self.application(token, sympy.log)
            return Mul(
                argument,
                Pow(sympy.log(base, evaluate=False), -1, evaluate=False),
                evaluate=False,
            )
        pieces = _split(name, scope)
        if pieces is None:
            raise self.unknown(token)
        # Re-read a run like `xsinx` as the tokens `x sin x`, in place.
        column = token.column
        replacement = []
        for piece in pieces:
            replacement.append(Token("num" if piece[0].isdigit() else "name", piece, column))
            column += len(piece)
        self.tokens[self.position - 1 : self.position] = replacement
        self.position -= 1
        return self.prefix(bare)

    def unknown(self, token: Token) -> MathInputError:
        name, column = token.text, token.column
        following = self.peek()
        variables = ", ".join(sorted(self.scope.variables))
        looks_like_function = following.kind == "(" and len(name) > 1
        if looks_like_function or name.lower() in FUNCTIONS or name.lower() in ALIASES:
            choices = [
                *FUNCTIONS,
                *ALIASES,
                *(self.scope.functions & OPTIONAL_FUNCTIONS.keys()),
            ]
            close = difflib.get_close_matches(name.lower(), choices, n=1, cutoff=0.6)
            if name in OPTIONAL_FUNCTIONS:
                return MathInputError(f"{literal(name)} is not available in this question", column)
            hint = f" — did you mean `{close[0]}`?" if close else ""
            return MathInputError(f"unknown function {literal(name)}{hint}", column)
        if len(name) == 1 or name in GREEK or "_" in name:
            where = f"use {variables}" if variables else "it has none"
            return MathInputError(
                f"{literal(name)} is not a variable in this question ({where})", column
            )
        close = difflib.get_close_matches(name, [*FUNCTIONS, *self.scope.variables], n=1)
        listed = f"the variables are {variables}" if variables else "this question has no variables"
        hint = f" — did you mean `{close[0]}`?" if close else f" ({listed})"
        return MathInputError(f"unknown name {literal(name)}{hint}", column)

    def application(self, token: Token, function: Callable[..., Tree]) -> Tree:
        """A function applied to a parenthesised or bare argument, with `sin^2 x` read as (sin x)^2."""
        exponent = None
        if self.peek().text == "^":
            self.position += 1
            exponent = self.expression(_POWER - 1)
            if exponent == -1 or exponent == sympy.Integer(-1):
                name, inverse = token.text, inverse_name(token.text)
                undo = f"{inverse}(x) for the inverse function or " if inverse else ""
                raise MathInputError(
                    f"{literal(name + '^-1')} is ambiguous: write {undo}1/{name}(x) for the "
                    "reciprocal",
                    token.column,
                )
        following = self.peek()
        several = function in (sympy.Max, sympy.Min)
        if following.kind == "(":
            self.position += 1
            arguments = [self.expression(0)]
            while several and self.peek().kind == ",":
                self.position += 1
                arguments.append(self.expression(0))
            if self.peek().kind == ",":
                raise MathInputError(
                    f"{literal(token.text)} takes one argument", self.peek().column
                )
            self.expect_close(following, ")")
            if several:
                self.count(len(arguments))
                result = function(*arguments, evaluate=False)
                return result if exponent is None else self.power(result, exponent, token)
            argument = arguments[0]
        elif several:
            raise MathInputError(
                f"{literal(token.text)} needs its arguments in parentheses, e.g. "
                f"{token.text}(x, y)",
                token.column,
            )
        elif following.kind in _OPERAND_STARTS or following.text == "-":
            argument = self.expression(_PRODUCT - 1, bare=True)
        else:
            raise MathInputError(
                f"{literal(token.text)} needs an argument, e.g. {token.text}(x)", token.column
            )
        self.count()
        result = function(argument, evaluate=False)
        return result if exponent is None else self.power(result, exponent, token)

    def operator(self, token: Token) -> Tree:
        """A trusted operator such as diff(expr, x, 2), applied to the evaluated arguments."""
        opener = self.peek()
        if opener.kind != "(":
            raise MathInputError(
                f"{literal(token.text)} needs arguments in parentheses", token.column
            )
        self.position += 1
        arguments = [self.argument()]
        while self.peek().kind == ",":
            self.position += 1
            arguments.append(self.argument())
        self.expect_close(opener, ")")
        self.count(10)
        return operators.apply(token.text, arguments, token.column)

    def argument(self) -> Tree:
        if self.peek().kind == "[":
            return self.bracketed_list(self.advance())
        return self.expression(0)

    def bracketed_list(self, opener: Token) -> list[Tree]:
        items = [self.argument()]
        while self.peek().kind == ",":
            self.position += 1
            items.append(self.argument())
        self.expect_close(opener, "]")
        return items

    # -- building -----------------------------------------------------------------------------

    def combine(self, operator: str, left: Tree, right: Tree) -> Tree:
        self.count()
        if isinstance(left, (list, sympy.MatrixBase)) or isinstance(
            right, (list, sympy.MatrixBase)
        ):
            raise MathInputError(
                "a vector or matrix cannot be combined with `" + operator + "` here"
            )
        if operator == "+":
            return self.chain(Add, left, right)
        if operator == "-":
            return self.chain(Add, left, self.negate(right))
        if operator == "*":
            if right.is_Number and not left.is_Number and type(left) is not Mul:
                left, right = right, left  # x2 reads (and previews) as 2x
            return self.chain(Mul, left, right)
        if right.is_Number and left.is_Number:
            if right.is_zero:
                raise MathInputError("division by zero")
            return left / right
        return self.chain(Mul, left, Pow(right, -1, evaluate=False))

    def chain(self, kind: Any, left: Tree, right: Tree) -> Tree:
        """left op right, flattening a chain a + b + c into one node (keeps trees shallow).

        A chain grows from its node's arguments as they stand: SymPy's constructor would convert
        and check every argument again at each step (a run of 750 terms took 0.7 s)."""
        if type(left) is kind and id(left) in self.chains and isinstance(right, sympy.Basic):
            commutative = fuzzy_and((left.is_commutative, right.is_commutative))
            node = kind._from_args((*left.args, right), commutative)
        else:
            node = kind(left, right, evaluate=False)
        self.chains.add(id(node))
        return node

    def negate(self, operand: Tree) -> Tree:
        self.count()
        if operand.is_Number:
            return -operand
        return Mul(sympy.S.NegativeOne, operand, evaluate=False)

    def power(self, base: Tree, exponent: Tree, token: Token) -> Tree:
        """base^exponent, built as written: powers of any size are decided later, by sampling in
        exact and arbitrary-precision arithmetic, never by computing a huge number here."""
        self.count()
        if not (isinstance(base, sympy.Basic) and isinstance(exponent, sympy.Basic)):
            raise MathInputError(f"`^` at column {token.column} needs numbers or expressions")
        if not exponent.free_symbols and _divides_by_zero(exponent):
            raise MathInputError(
                f"the exponent at column {token.column} divides by zero", token.column
            )
        if not (base.free_symbols or exponent.free_symbols) and _beyond_any_answer(base, exponent):
            raise MathInputError(
                f"the power at column {token.column} is a number too large to compare "
                f"(more than {MAX_NUMBER_DIGITS} digits)",
                token.column,
            )
        if base is sympy.E:
            return sympy.exp(exponent, evaluate=False)
        return Pow(base, exponent, evaluate=False)


def _not_a_factorial(column: int) -> MathInputError:
    return MathInputError(
        f"`!` at column {column}: a factorial is of a whole number from 0 to {MAX_FACTORIAL} "
        "written as digits, such as 3!",
        column,
    )


def _log_base(name: str, column: int) -> sympy.Expr | None:
    """The base of a logarithm written `log_2`, `log_10` or, as calculators and NumPy write
    them, `log2`, `log10`; None for a name that is not one (`log2x` is no name at all)."""
    for prefix in ("log_", "log"):
        digits = name[len(prefix) :] if name.startswith(prefix) else ""
        if digits.isdigit():
            base = read_decimal(digits, column + len(prefix))
            if base in (0, 1):
                raise MathInputError(
                    f"a logarithm's base must be a positive number other than 1, not {base}",
                    column + len(prefix),
                )
            return base
    return None


def _beyond_any_answer(base: Tree, exponent: Tree) -> bool:
    """Whether a power of numbers has more than MAX_NUMBER_DIGITS digits (9^9^9 has 369 million)."""
    try:
        base, exponent = evaluate_tree(base), evaluate_tree(exponent)
    except MathInputError:  # a part is already too large to compute
        return True
    if not (base.is_Rational and exponent.is_Rational) or base.is_zero or abs(base) == 1:
        return False
    digits = abs(exponent) * abs(math.log10(abs(base.p)) - math.log10(base.q))
    return bool(digits > MAX_NUMBER_DIGITS)


def _divides_by_zero(exponent: Tree) -> bool:
    try:
        value = evaluate_tree(exponent)
    except MathInputError:  # a number too large to compute: it is not a division by zero
        return False
    return bool(value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo))


def _binding(operator: str, conditions: bool) -> int | None:
    if operator in ("+", "-"):
        return _SUM
    if operator in ("*", "/"):
        return _PRODUCT
    if operator == "^":
        return _POWER
    if conditions and operator in _COMPARISONS:
        return _COMPARE
    return None


def _compare(operator: str, left: Tree, right: Tree, token: Token) -> bool:
    """An exact comparison of two parameter values (numbers or strings) in a condition."""
    if isinstance(left, str) or isinstance(right, str):
        if operator not in ("==", "!="):
            raise MathInputError(f"`{operator}` cannot compare text", token.column)
        return bool(left == right) == (operator == "==")
    if isinstance(left, bool) or isinstance(right, bool):
        raise MathInputError(
            f"`{operator}` at column {token.column} compares a condition", token.column
        )
    difference = evaluate_tree(left) - evaluate_tree(right)
    if difference.free_symbols:
        raise MathInputError("a condition can only use the exercise's parameters", token.column)
    if not difference.is_Rational:
        approximate = sympy.N(difference, 50)
        if not approximate.is_real:
            raise MathInputError("a condition compares a value that is not a real number")
        difference = sympy.Integer(0) if abs(approximate) < 1e-40 else approximate
    sign = bool(difference > 0) - bool(difference < 0)
    return {"==": sign == 0, "!=": sign != 0, "<": sign < 0, "<=": sign <= 0, ">": sign > 0,
            ">=": sign >= 0}[operator]  # fmt: skip


def _split(name: str, scope: Scope) -> list[str] | None:
    """`xy` as [x, y], `xsinx` as [x, sin, x], `x2` as [x, 2]: known names, fewest pieces first.

    In time linear in the run's length: a piece is never longer than the longest known name."""
    if "_" in name:
        return None
    letters = name.rstrip("0123456789")
    digits = name[len(letters) :]
    # fewest[end]: the fewest pieces that make letters[:end], and where the last of them starts
    fewest: dict[int, tuple[int, int]] = {0: (0, 0)}
    for end in range(1, len(letters) + 1):
        for start in range(max(0, end - scope.longest_name), end):
            if start in fewest and scope.knows(letters[start:end]):
                count = fewest[start][0] + 1
                if end not in fewest or count < fewest[end][0]:
                    fewest[end] = (count, start)
    if len(letters) not in fewest:
        return None
    pieces = []
    end = len(letters)
    while end:
        start = fewest[end][1]
        pieces.append(letters[start:end])
        end = start
    pieces.reverse()
    if len(pieces) == 1 and not digits:
        return None
    return pieces + ([digits] if digits else [])
