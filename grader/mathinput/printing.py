"""Canonical LaTeX for previews ("we read your answer as ...")."""

from __future__ import annotations

import sympy
from sympy.printing.str import StrPrinter

_SETTINGS = {"ln_notation": True, "inv_trig_style": "full", "mul_symbol": None}


def to_latex(expr: sympy.Basic) -> str:
    """The LaTeX the preview renders with KaTeX; it shows how the parser read the answer."""
    return sympy.latex(expr, **_SETTINGS)


class TextPrinter(StrPrinter):
    """SymPy's text form with the spellings a learner types: `^`, `e`, `abs`, `max`."""

    def _print_Pow(self, expr, rational=False):
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Exp1(self, expr) -> str:
        return "e"

    def _print_Abs(self, expr) -> str:
        return f"abs({self._print(expr.args[0])})"

    def _print_Max(self, expr) -> str:
        return f"max({', '.join(self._print(arg) for arg in expr.args)})"

    def _print_Min(self, expr) -> str:
        return f"min({', '.join(self._print(arg) for arg in expr.args)})"


def to_text(expr: sympy.Basic) -> str:
    """An expression as a learner would type it, for messages ("you have 2*x")."""
    return TextPrinter().doprint(expr).replace("**", "^")
