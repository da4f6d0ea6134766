"""Graphs of authored functions of x, as numbers: a function sampled over an x range, the frame
(x range and y scale) that graphs to be compared share, and round tick values for their axes.

The site draws them as SVG (`courseware.plots`); the validator checks with the same samples that
graphs a learner must tell apart look different.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from grader.params import params_key
from grader.spec import ExerciseDef

Floats = npt.NDArray[np.float64]

SAMPLES = 241
DEFAULT_X_RANGE = (-4.0, 4.0)


def sample(
    expr_text: str, params: dict[str, Any], x_range: tuple[float, float]
) -> tuple[Floats, Floats]:
    """The function (authored text, trusted) at evenly spaced x; NaN where it is undefined."""
    from grader.mathinput import parse

    expr = parse(expr_text, ["x"], params=params, trusted=True)
    xs = np.linspace(*x_range, SAMPLES)
    with np.errstate(all="ignore"):
        values = _evaluate(expr, xs)
        if values is None:
            values = sympy.lambdify(sympy.Symbol("x"), expr, "numpy", docstring_limit=0)(xs)
        ys = np.broadcast_to(np.asarray(values, dtype=complex), xs.shape)
    return xs, np.where(np.abs(ys.imag) < 1e-12, ys.real, np.nan)


_NUMPY: dict[Any, Callable[[Any], Any]] = {
    sympy.sin: np.sin,
    sympy.cos: np.cos,
    sympy.tan: np.tan,
    sympy.asin: np.arcsin,
    sympy.acos: np.arccos,
    sympy.atan: np.arctan,
    sympy.sinh: np.sinh,
    sympy.cosh: np.cosh,
    sympy.tanh: np.tanh,
    sympy.exp: np.exp,
    sympy.log: np.log,
    sympy.Abs: np.abs,
    sympy.sign: np.sign,
}


def _evaluate(expr: sympy.Basic, xs: Floats) -> Any:
    """`expr` of x at `xs` (an array, or a number where it is constant), walking its tree with
    numpy as lambdify's code would, for the sums, products, powers and functions graphs are made
    of; None for anything else. Compiling a lambdify function costs a few milliseconds, which
    every new variant's graphs would pay."""
    if not expr.free_symbols:
        try:
            value = complex(expr)
        except (TypeError, ValueError):  # zoo, nan and the like
            return None
        return value.real if value.imag == 0 else None
    if expr.is_Symbol:
        return xs if expr.name == "x" else None
    parts = [_evaluate(arg, xs) for arg in expr.args]
    if any(part is None for part in parts):
        return None
    if expr.is_Add:
        return sum(parts[1:], parts[0])
    if expr.is_Mul:
        product = parts[0]
        for part in parts[1:]:
            product = product * part
        return product
    if expr.is_Pow:
        return np.power(parts[0], parts[1])
    function = _NUMPY.get(expr.func)
    return function(parts[0]) if function is not None and len(parts) == 1 else None


def fitted_y_range(curves: list[Floats]) -> tuple[float, float]:
    """One y range for curves to be read together: their span (clipped at 8 times their median
    size, so a pole does not flatten the rest), always with the x-axis in view, padded 10 %."""
    lo = hi = 0.0
    for curve in curves:
        finite = curve[np.isfinite(curve)]
        if finite.size:
            cap = 8 * max(float(np.median(np.abs(finite))), 1e-9)
            lo = min(lo, float(np.clip(finite, -cap, cap).min()))
            hi = max(hi, float(np.clip(finite, -cap, cap).max()))
    if hi - lo <= 1e-12:
        return (-1.0, 1.0)
    pad = 0.1 * (hi - lo)
    return (lo - pad, hi + pad)


def shared_y_range(
    exprs: list[str], params: dict[str, Any], x_range: tuple[float, float]
) -> tuple[float, float]:
    """The y range that graphs of several functions on one x range share (kept, as the graphs
    are: every page of the variant draws its graphs on it)."""
    x_range = (float(x_range[0]), float(x_range[1]))
    return _shared_y_range(tuple(exprs), params_key(params), x_range)


@functools.lru_cache(maxsize=1024)
def _shared_y_range(
    exprs: tuple[str, ...], params_json: str, x_range: tuple[float, float]
) -> tuple[float, float]:
    params = json.loads(params_json)
    return fitted_y_range([sample(expr, params, x_range)[1] for expr in exprs])


def compared_x_range(exercise: ExerciseDef) -> tuple[float, float]:
    """The x range shared by an exercise's function figure and the graphs of its choice options:
    the figure's own, else the default."""
    figure = exercise.figure if exercise.figure and "expr" in exercise.figure else None
    low, high = figure.get("x", DEFAULT_X_RANGE) if figure else DEFAULT_X_RANGE
    return (float(low), float(high))


@dataclass(frozen=True)
class GraphFrame:
    """What graphs meant to be compared share: one x range, one y scale, and the function that is
    drawn faintly behind each option (when the part asks for it)."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    overlay: str | None = None


def compared_graphs(exercise: ExerciseDef, params: dict[str, Any]) -> GraphFrame | None:
    """The frame shared by the exercise's function figure and the graphs of its parts' options,
    or None when the exercise has no option graphs. Options are drawn on the figure's x range."""
    plotted = [
        (part, [option["plot"] for option in part.config.get("options", []) if option.get("plot")])
        for part in exercise.parts
    ]
    plotted = [(part, plots) for part, plots in plotted if plots]
    if not plotted:
        return None
    figure = exercise.figure if exercise.figure and "expr" in exercise.figure else None
    part, plots = plotted[0]
    x_range = compared_x_range(exercise)
    exprs = plots + ([figure["expr"]] if figure else [])
    overlay = figure["expr"] if figure and part.config.get("overlay_figure") else None
    return GraphFrame(x_range, shared_y_range(exprs, params, x_range), overlay)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) inside [lo, hi]."""
    raw = (hi - lo) / count
    power = 10 ** np.floor(np.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = np.ceil(lo / step) * step
    return [float(t) for t in np.arange(first, hi + step * 1e-9, step)]
