"""Placeholders that write an exercise's parameters into prompts, options and feedback.

- `[[name]]`: the parameter's value, as an author writes it (3, -0.5).
- `[[tex: expression]]`: the canonical LaTeX of an expression of the parameters, so that
  `[[tex: a*x^2 + b*x + c]]` reads `3 - 2 x^{2}` rather than `-2x^2 + 0x + 3`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(
    r"\[\[\s*(?:tex:\s*(?P<tex>[^\]]+?)|(?P<name>[A-Za-z_][A-Za-z0-9_]*))\s*\]\]"
)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def format_value(value: Any) -> str:
    """A parameter as an author writes it: 3, -0.5, 2 (not 2.0)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def tex(expression: str, params: Mapping[str, Any]) -> str:
    """The canonical LaTeX of an authored expression; names that are not parameters are variables."""
    from grader.mathinput import parse, to_latex

    variables = tex_variables(expression, params)
    return to_latex(parse(expression, variables, params=params, trusted=True), as_written=False)


def tex_variables(expression: str, params: Mapping[str, Any]) -> list[str]:
    """The names in an authored expression (and its expression parameters) that are variables."""
    from grader.mathinput.operators import REGISTRY
    from grader.mathinput.vocabulary import ALIASES, CONSTANTS, FUNCTIONS

    known = set(params) | set(FUNCTIONS) | set(ALIASES) | set(CONSTANTS) | set(REGISTRY)
    texts = [expression, *(value for value in params.values() if isinstance(value, str))]
    return sorted({name for text in texts for name in _IDENTIFIER.findall(text)} - known)


def fill(text: str, params: Mapping[str, Any]) -> str:
    """Replace each placeholder; unknown names are left for the validator to report."""

    def replace(match: re.Match[str]) -> str:
        if match.group("tex") is not None:
            return tex(match.group("tex"), params)
        name = match.group("name")
        return format_value(params[name]) if name in params else match.group(0)

    return PLACEHOLDER.sub(replace, text)
