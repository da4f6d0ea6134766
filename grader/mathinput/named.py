"""A learner's answer written as the equation the prompt asks for: `y = 1 + x/4`, `f'(x) = 2x`.

The left side names the quantity (a name that is not one of the part's variables, optionally
with primes and an argument list); the value is the right side. `x = 3` for a variable x stays an
equation, which the parser refuses with its own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NAMED = re.compile(
    r"^\s*(?P<name>[A-Za-z][A-Za-z0-9_]*)'*\s*"
    r"(?:\(\s*[A-Za-z_][A-Za-z0-9_]*(?:\s*,\s*[A-Za-z_][A-Za-z0-9_]*)*\s*\))?"
    r"\s*=(?!=)"
)


def right_side(text: str, variables: Iterable[str]) -> tuple[str, int]:
    """The value of `name = value` and the columns dropped before it; else (text, 0)."""
    match = _NAMED.match(text)
    if match is None or match.group("name") in set(variables) or "=" in text[match.end() :]:
        return text, 0
    return text[match.end() :], match.end()
