"""The allow-list: functions, constants and Greek names the parser knows, as SymPy objects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sympy
from sympy import Function


class sigmoid(Function):  # type: ignore[misc]  # SymPy ships no types: Function is Any
    """The logistic function 1/(1 + e^(-x)), written sigma(x) or sigmoid(x) where declared."""

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:
        if arg.is_zero:
            return sympy.Rational(1, 2)
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return self * (1 - self)

    def _eval_rewrite_as_exp(self, arg: sympy.Expr, **kwargs: Any) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-arg))

    def _eval_is_real(self) -> bool | None:
        is_real: bool | None = self.args[0].is_real
        return is_real

    def _latex(self, printer: Any, exp: object = None) -> str:
        inner = printer._print(self.args[0])
        base = rf"\sigma\left({inner}\right)"
        return rf"{base}^{{{exp}}}" if exp else base


# Functions every question knows: name -> SymPy function of one argument.
FUNCTIONS = {
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "sec": sympy.sec,
    "csc": sympy.csc,
    "cot": sympy.cot,
    "asin": sympy.asin,
    "acos": sympy.acos,
    "atan": sympy.atan,
    "asec": sympy.asec,
    "acsc": sympy.acsc,
    "acot": sympy.acot,
    "sinh": sympy.sinh,
    "cosh": sympy.cosh,
    "tanh": sympy.tanh,
    "sech": sympy.sech,
    "csch": sympy.csch,
    "coth": sympy.coth,
    "asinh": sympy.asinh,
    "acosh": sympy.acosh,
    "atanh": sympy.atanh,
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "sign": sympy.sign,  # -1, 0 or 1: the derivative of abs away from 0
}

# Other spellings learners use for the same functions.
ALIASES = {
    "arcsin": "asin",
    "arccos": "acos",
    "arctan": "atan",
    "arcsec": "asec",
    "arccsc": "acsc",
    "arccot": "acot",
    "arsinh": "asinh",
    "arcosh": "acosh",
    "artanh": "atanh",
    "arcsinh": "asinh",
    "arccosh": "acosh",
    "arctanh": "atanh",
    "cosec": "csc",
    "Abs": "abs",
    "sgn": "sign",
    "signum": "sign",
}

# Functions an exercise may declare with `functions:`.
OPTIONAL_FUNCTIONS = {"sigma": sigmoid, "sigmoid": sigmoid, "max": sympy.Max, "min": sympy.Min}

CONSTANTS = {"pi": sympy.pi, "e": sympy.E}

GREEK = frozenset(
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "omicron", "rho", "sigma", "tau", "upsilon", "phi", "chi",
        "psi", "omega", "Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Phi", "Psi",
        "Omega",
    }
)  # fmt: skip

# Unicode Greek letters learners paste, by the name the parser uses.
GREEK_LETTERS = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu", "ν": "nu",
    "ξ": "xi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon", "φ": "phi", "ϕ": "phi",
    "χ": "chi", "ψ": "psi", "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta",
    "Λ": "Lambda", "Ξ": "Xi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}  # fmt: skip

_SYMBOLS: dict[str, sympy.Symbol] = {}


def symbol(name: str) -> sympy.Symbol:
    """The real SymPy symbol for a variable name (answers are real functions)."""
    found = _SYMBOLS.get(name)
    if found is None:
        found = _SYMBOLS[name] = sympy.Symbol(name, real=True)
    return found


def inverse_name(name: str) -> str | None:
    """The function that undoes `name` as a learner types it (`asin` for sin, `sin` for arcsin,
    `exp` for ln), or None when the vocabulary has none."""
    name = ALIASES.get(name, name)
    if name in ("log", "ln", "exp"):
        return "ln" if name == "exp" else "exp"
    if name.startswith("a") and name[1:] in FUNCTIONS:
        return name[1:]
    return f"a{name}" if f"a{name}" in FUNCTIONS else None


def function_named(name: str, declared: frozenset[str]) -> Callable[..., Any] | None:
    """The SymPy function for `name`, or None when it is not a function in this question."""
    name = ALIASES.get(name, name)
    found: Callable[..., Any] | None = None
    if name in FUNCTIONS:
        found = FUNCTIONS[name]
    elif name in declared:
        found = OPTIONAL_FUNCTIONS.get(name)
    return found
