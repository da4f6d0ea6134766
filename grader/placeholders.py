"""`[[name]]` placeholders: an exercise's parameters written into prompts, options and feedback."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

PLACEHOLDER = re.compile(r"\[\[\s*([A-Za-z_][A-Za-z0-9_]*)\s*\]\]")


def format_value(value: Any) -> str:
    """A parameter as an author writes it: 3, -0.5, 2 (not 2.0)."""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def fill(text: str, params: Mapping[str, Any]) -> str:
    """Replace each `[[name]]` by the parameter's value; unknown names are left for the validator."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return format_value(params[name]) if name in params else match.group(0)

    return PLACEHOLDER.sub(replace, text)


def names_in(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))
