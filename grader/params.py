"""Variants: an exercise's parameters drawn deterministically from a seed.

Parameters are integers, short decimals or choices; they are stored with the attempt, so a
regrade never depends on today's generator code.
"""

from __future__ import annotations

import copy
import functools
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import numpy as np

MAX_REDRAWS = 200
SEED_BITS = 53
SEED_LIMIT = 2**SEED_BITS
"""Seeds are integers in [0, SEED_LIMIT): exact in a JSON number (a double) everywhere."""


def params_key(params: Mapping[str, Any] | None) -> str:
    """A variant's parameters as canonical JSON text: the cache key of what is a pure function of
    them. They are JSON values (the attempt stores them so), so `json.loads` gives them back."""
    return json.dumps(params or {}, sort_keys=True, default=str)


def plain_params_key(params: Mapping[str, Any] | None) -> str | None:
    """`params_key` when the values are plain JSON values (so `json.loads` gives back the same
    values), else None: a learner's own values carried forward may be SymPy numbers."""
    return params_key(params) if _plain(dict(params or {})) else None


def _plain(value: Any) -> bool:
    if value is None or type(value) in (bool, int, float, str):
        return True
    if type(value) is list:
        return all(map(_plain, value))
    if type(value) is dict:
        return all(type(k) is str and _plain(v) for k, v in value.items())
    return False


class ParamSpecError(ValueError):
    """An exercise's parameter specification is malformed (an authoring error)."""


def check_spec(name: str, spec: Any) -> list[str]:
    """Authoring errors in one parameter's specification."""
    if not isinstance(spec, dict):
        return [f"params.{name}: expected a mapping such as {{int: [1, 5]}}"]
    kinds = [key for key in ("int", "decimal", "choice") if key in spec]
    if len(kinds) != 1:
        return [f"params.{name}: give exactly one of int, decimal or choice"]
    kind = kinds[0]
    if kind == "choice":
        values = spec["choice"]
        if not isinstance(values, list) or not values:
            return [f"params.{name}.choice: expected a non-empty list"]
        return []
    bounds = spec[kind]
    if not (isinstance(bounds, list) and len(bounds) == 2) or not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) for v in bounds
    ):
        return [f"params.{name}.{kind}: expected [low, high]"]
    if bounds[0] > bounds[1]:
        return [f"params.{name}.{kind}: low is greater than high"]
    errors = []
    if kind == "decimal":
        try:
            step = Decimal(str(spec.get("step", "0.1")))
        except ArithmeticError:
            return [f"params.{name}.step: not a number"]
        if step <= 0:
            errors.append(f"params.{name}.step: must be positive")
    excluded = spec.get("not", [])
    if not isinstance(excluded, list):
        errors.append(f"params.{name}.not: expected a list")
    return errors


def _draw_one(spec: dict[str, Any], rng: np.random.Generator) -> Any:
    excluded = spec.get("not", [])
    if "choice" in spec:
        values = [v for v in spec["choice"] if v not in excluded]
        return values[int(rng.integers(len(values)))]
    if "int" in spec:
        low, high = (int(v) for v in spec["int"])
        values = [v for v in range(low, high + 1) if v not in excluded]
        return values[int(rng.integers(len(values)))]
    step = Decimal(str(spec.get("step", "0.1")))
    first, last = (Decimal(str(v)) for v in spec["decimal"])
    count = int((last - first) / step) + 1
    steps = [first + k * step for k in range(count)]
    allowed = [v for v in steps if float(v) not in [float(x) for x in excluded]]
    value = allowed[int(rng.integers(len(allowed)))]
    return int(value) if value == value.to_integral_value() else float(value)


def in_declared_order(specs: Any) -> list[tuple[str, dict[str, Any]]]:
    """(name, specification) in the order the exercise file declares them.

    The bank stores them as a list of [name, specification] pairs, because a JSON object's key
    order does not survive every database (PostgreSQL's jsonb sorts keys by length, then bytes).
    A mapping (read straight from a file) is taken in its own order.
    """
    if isinstance(specs, Mapping):
        return list(specs.items())
    return [(str(name), spec) for name, spec in specs or []]


def draw_params(specs: Any, seed: int, redraw_if: str | None = None) -> dict[str, Any]:
    """Draw every parameter in declared order; redraw all of them while `redraw_if` holds.

    `specs` is the stored list of [name, specification] pairs (or a mapping in declared order):
    the same seed draws the same variant from the file, from SQLite and from PostgreSQL.
    """
    try:
        key = json.dumps(specs)
    except (TypeError, ValueError):  # not JSON: drawn afresh
        return _draw(specs, seed, redraw_if)
    return copy.deepcopy(_drawn(key, seed, redraw_if))


@functools.lru_cache(maxsize=4096)
def _drawn(specs_json: str, seed: int, redraw_if: str | None) -> dict[str, Any]:
    """A variant drawn once per process: a `redraw_if` condition is read (parsed and evaluated)
    for every draw, milliseconds each, and the same variant is drawn again and again (a page, its
    preview, the validator's seeds)."""
    return _draw(json.loads(specs_json), seed, redraw_if)


def _draw(specs: Any, seed: int, redraw_if: str | None) -> dict[str, Any]:
    declared = in_declared_order(specs)
    rng = np.random.Generator(np.random.PCG64(seed))
    for _ in range(MAX_REDRAWS):
        params = {name: _draw_one(spec, rng) for name, spec in declared}
        if not redraw_if or not _holds(redraw_if, params):
            return params
    raise ParamSpecError(f"redraw_if {redraw_if!r} held for {MAX_REDRAWS} draws in a row")


def _holds(condition: str, params: dict[str, Any]) -> bool:
    from grader.mathinput import parse_condition

    return parse_condition(condition, params)
