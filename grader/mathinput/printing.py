"""Canonical LaTeX for previews ("we read your answer as ...")."""

from __future__ import annotations

import sympy

_SETTINGS = {"ln_notation": True, "inv_trig_style": "full", "mul_symbol": None}


def to_latex(expr: sympy.Basic) -> str:
    """The LaTeX the preview renders with KaTeX; it shows how the parser read the answer."""
    return sympy.latex(expr, **_SETTINGS)
