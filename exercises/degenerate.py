"""Degenerate variants: drawn parameters that leave nothing to work out.

A variant is degenerate when its reference answer is zero, when an expression part asks for a
function of the variables and the reference is a constant, when two parts share one answer, when
a number's answer is trivially guessed (0, 1 or -1), or when the prompt's formula collapses so that
a building block the hints and worked solution speak of is no longer in it (`log(exp(2x))` shown
as `2x`). An exercise whose variants are meant to have such an answer says so per part with
`degenerate_ok: [zero, constant, equal, trivial]` (rare: a point at the origin, say).
"""

from __future__ import annotations

import re
from typing import Any

import sympy

from grader.answers import answer_kind
from grader.mathinput import parse
from grader.params import draw_params
from grader.placeholders import PLACEHOLDER, tex_variables
from grader.spec import ExerciseDef, PartDef

KINDS = ("zero", "constant", "equal", "trivial")
PROBE_SEEDS = 8  # variants drawn to tell the parts that ask for a function
TRIVIAL_NUMBERS = (1.0, -1.0)  # zero is its own kind
SAMPLE_POINTS = (0.7312, 1.3719, 2.1137)
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def reference_value(part: PartDef, params: dict[str, Any]) -> Any:
    """The part's reference as a SymPy value (a Matrix for a matrix part), by its kind's `value`;
    None for kinds not graded against an authored value."""
    answer = part.config.get("answer")
    value = answer_kind(part.kind).value
    if answer is None or value is None:
        return None
    return value(part, answer, params)


def function_parts(definition: ExerciseDef, seeds: int = PROBE_SEEDS) -> set[str]:
    """The expression parts that ask for a function: their reference depends on the part's
    variables in most variants (an evaluated value, such as df/dt at t0, is a constant in all)."""
    counts: dict[str, int] = {}
    drawn = 0
    for seed in range(seeds):
        try:
            params = draw_params(definition.params, seed, definition.redraw_if)
        except ValueError:
            continue
        drawn += 1
        for part in definition.parts:
            if part.kind != "expression":
                continue
            try:
                value = reference_value(part, params)
            except Exception:  # noqa: S112 - an unreadable answer is reported when graded
                continue
            names = {str(symbol) for symbol in getattr(value, "free_symbols", ())}
            if names & set(part.config.get("variables", [])):
                counts[part.name] = counts.get(part.name, 0) + 1
    return {name for name, count in counts.items() if 2 * count > drawn}


def degenerate_reasons(
    definition: ExerciseDef, params: dict[str, Any], functions: set[str] | None = None
) -> list[tuple[str, str]]:
    """(where, reason) for each way this variant is degenerate (`functions`: the parts that ask
    for a function, from `function_parts`)."""
    if functions is None:
        functions = function_parts(definition)
    found = []
    values = {}
    for part in definition.parts:
        value = reference_value(part, params)
        if value is None:
            continue
        allowed = set(part.config.get("degenerate_ok", []))
        where = f"parts.{part.name}"
        values[part.name] = value
        if "zero" not in allowed and _is_zero(value):
            found.append((where, "the reference answer is zero: redraw this variant (redraw_if)"))
            continue
        if "trivial" not in allowed and part.kind == "number" and _trivial_number(value):
            found.append(
                (where, f"the reference answer is {float(value):g}, trivial to guess: redraw")
            )
        variables = set(part.config.get("variables", []))
        if (
            "constant" not in allowed
            and part.name in functions
            and not ({str(symbol) for symbol in value.free_symbols} & variables)
        ):
            found.append(
                (where, f"the prompt asks for a function but the reference is the constant {value}")
            )
    found += _equal_parts(definition, values)
    found += _collapsed_prompt(definition, params)
    return found


def _is_zero(value: Any) -> bool:
    """Zero everywhere, judged at a few points (cheap, and exact enough for a reference)."""
    if isinstance(value, sympy.MatrixBase):
        return all(_is_zero(entry) for entry in value)
    if value.is_number:
        return abs(complex(value)) < 1e-12
    symbols = sorted(value.free_symbols, key=str)
    for point in SAMPLE_POINTS:
        try:
            at = {symbol: point + 0.3711 * index for index, symbol in enumerate(symbols)}
            number = complex(value.subs(at).evalf())
        except (TypeError, ValueError):
            continue
        if abs(number) > 1e-9:
            return False
    return True


def _trivial_number(value: Any) -> bool:
    return any(abs(float(value) - trivial) < 1e-12 for trivial in TRIVIAL_NUMBERS)


def _equal_parts(definition: ExerciseDef, values: dict[str, Any]) -> list[tuple[str, str]]:
    """Two parts of the same kind with the same reference: answering one answers the other."""
    found = []
    parts = [part for part in definition.parts if part.name in values]
    for i, first in enumerate(parts):
        for second in parts[i + 1 :]:
            if first.kind != second.kind or "equal" in first.config.get("degenerate_ok", []):
                continue
            a, b = values[first.name], values[second.name]
            if getattr(a, "shape", None) != getattr(b, "shape", None):
                continue
            if _is_zero(a - b):
                found.append(
                    (
                        f"parts.{second.name}",
                        f"has the same reference answer as part {first.name!r}: redraw",
                    )
                )
    return found


def _collapsed_prompt(definition: ExerciseDef, params: dict[str, Any]) -> list[tuple[str, str]]:
    """A prompt formula built from expression parameters that simplifies so far that a function
    of a building block (exp, log, sin, ...) disappears: the hints and worked solution, which name
    the building blocks, then speak of something the learner was never shown."""
    found = []
    blocks = {name: v for name, v in params.items() if isinstance(v, str)}
    for match in PLACEHOLDER.finditer(definition.prompt):
        text = match.group("tex")
        if not text:
            continue
        used = [name for name in blocks if name in IDENTIFIER.findall(text)]
        if not used:
            continue
        shown = _heads(_read(text, params))
        lost = set()
        for name in used:
            lost |= _heads(_read(blocks[name], params)) - shown
        if lost:
            names = ", ".join(sorted(lost))
            reason = (
                f"`{text.strip()}` simplifies to {_read(text, params)}: the prompt no longer shows "
                f"{names}, which the hints and solution speak of; redraw this variant"
            )
            found.append(("prompt", reason))
    return found


def _read(text: str, params: dict[str, Any]) -> Any:
    return parse(text, tex_variables(text, params), params=params, trusted=True)


def _heads(value: Any) -> set[str]:
    """The names of the functions applied in an expression (exp, log, sin, ...)."""
    return {type(f).__name__ for f in value.atoms(sympy.Function)}
