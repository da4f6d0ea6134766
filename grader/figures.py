"""Figures as plain data: series of points with labels, which the site draws as SVG.

Trusted code (an exercise's tests.py, the grader) builds them from numbers, including numbers the
learner's code returned; they are stored with the feedback (JSON) and never carry markup.

    {"title": str, "x_label": str, "y_label": str,
     "x_range": [lo, hi] | None, "y_range": [lo, hi] | None,
     "series": [{"label": str, "style": STYLE, "points": [[x, y], ...]}],
     "contours": {"x": [...], "y": [...], "z": [[...] per y], "levels": [...]} | None}

STYLES: `points` (a scatter), `line`, `dashed`, `bars` (a histogram, x at bin centres), `path`
(a line with a dot at each point), `marker` (a cross at each point, e.g. an optimum), `named` (a
dot at each point with the series' label written beside it, e.g. the point P).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from grader.spec import ExerciseDef

STYLES = ("points", "line", "dashed", "bars", "path", "marker", "named")
MAX_POINTS = 400  # a figure is a picture, not a data dump: longer series are thinned
CURVE_SAMPLES = 121


def number(value: Any) -> float | None:
    """A float to 5 significant figures (small JSON), or None when it is not finite."""
    try:
        value = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return float(f"{value:.5g}") if math.isfinite(value) else None


def series(label: str, xs: ArrayLike, ys: ArrayLike, style: str = "line") -> dict[str, Any]:
    """One labelled series; non-finite values become None (a gap)."""
    if style not in STYLES:
        raise ValueError(f"unknown series style {style!r}")
    pairs = list(zip(np.ravel(xs), np.ravel(ys), strict=True))
    if len(pairs) > MAX_POINTS:
        keep = np.unique(np.linspace(0, len(pairs) - 1, MAX_POINTS).round().astype(int))
        pairs = [pairs[i] for i in keep]
    return {
        "label": str(label),
        "style": style,
        "points": [[number(x), number(y)] for x, y in pairs],
    }


def figure(
    title: str,
    series_list: list[dict[str, Any]],
    *,
    x_label: str = "",
    y_label: str = "",
    x_range: Sequence[float] | None = None,
    y_range: Sequence[float] | None = None,
    contours: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A whole figure; ranges default to what the series span (see courseware.plots)."""
    return {
        "title": str(title),
        "x_label": str(x_label),
        "y_label": str(y_label),
        "x_range": [number(v) for v in x_range] if x_range is not None else None,
        "y_range": [number(v) for v in y_range] if y_range is not None else None,
        "series": series_list,
        "contours": contours,
    }


def contours(
    xs: Sequence[float] | np.ndarray,
    ys: Sequence[float] | np.ndarray,
    z: Any,
    levels: Sequence[float],
) -> dict[str, Any]:
    """Level lines of z (rows over ys, columns over xs) at `levels`."""
    z = np.asarray(z, dtype=float)
    return {
        "x": [number(v) for v in xs],
        "y": [number(v) for v in ys],
        "z": [[number(v) for v in row] for row in z],
        "levels": [number(v) for v in levels],
    }


def span(values: Any, margin: float = 0.1) -> list[float]:
    """[lo, hi] around the finite values, widened by `margin` of their spread on each side."""
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return [0.0, 1.0]
    lo, hi = float(finite.min()), float(finite.max())
    pad = (hi - lo) * margin or max(abs(lo), 1.0) * margin
    return [lo - pad, hi + pad]


def parameters(value: Any, count: int) -> np.ndarray | None:
    """`count` finite floats from what the learner's code returned, or None when it is not that."""
    try:
        p = np.asarray(value, dtype=float).ravel()
    except (TypeError, ValueError, OverflowError):
        return None
    return p if p.shape == (count,) and np.all(np.isfinite(p)) else None


def fit_figure(
    title: str,
    x: Any,
    y: Any,
    model: Callable[..., Any],
    learner: Any,
    best: Any,
    *,
    data_style: str = "points",
    x_label: str = "x",
    y_label: str = "y",
) -> dict[str, Any] | None:
    """The data with the learner's fitted curve and the least-squares one, both drawn by the
    trusted `model(x, *p)`; the frame fits the data and the best curve (a wild fit is clipped)."""
    best = np.asarray(best, dtype=float)
    learner = parameters(learner, best.size)
    if learner is None:
        return None
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    x_range = span(x, 0.04)
    xs = np.linspace(x_range[0], x_range[1], CURVE_SAMPLES)
    with np.errstate(all="ignore"):
        yours, ideal = model(xs, *learner), model(xs, *best)
    y_range = span(np.concatenate([y, ideal, [0.0] if data_style == "bars" else []]))
    return figure(
        title,
        [
            series("data", x, y, data_style),
            series("your fit", xs, yours, "line"),
            series("least-squares fit", xs, ideal, "dashed"),
        ],
        x_label=x_label,
        y_label=y_label,
        x_range=x_range,
        y_range=y_range,
    )


CONTOUR_GRID = 61  # samples per axis of a contour map


def contour_map(config: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """A contour map from an exercise's `figure`: the level lines of `contours` (authored text in
    x and y) at `levels` over the `x` and `y` ranges, with each of `marks` (a label and a pair of
    expressions of the parameters) drawn as a dot named on the map."""
    import sympy

    from grader.mathinput import evaluate_number, parse

    def numbers(texts: Sequence[Any]) -> list[float]:
        return [float(evaluate_number(str(text), params)) for text in texts]

    x_range, y_range = numbers(config.get("x", (-3, 3))), numbers(config.get("y", (-3, 3)))
    xs = np.linspace(x_range[0], x_range[1], CONTOUR_GRID)
    ys = np.linspace(y_range[0], y_range[1], CONTOUR_GRID)
    expr = parse(str(config["contours"]), ["x", "y"], params=params, trusted=True)
    grid_x, grid_y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        z = sympy.lambdify(sympy.symbols("x y"), expr, "numpy", docstring_limit=0)(grid_x, grid_y)
    z = np.broadcast_to(np.asarray(z, dtype=float), grid_x.shape)
    points = {str(label): numbers(pair) for label, pair in (config.get("marks") or {}).items()}
    marks = [series(label, [x], [y], "named") for label, (x, y) in points.items()]
    return figure(
        str(config.get("label", "")),
        marks,
        x_label="x",
        y_label="y",
        x_range=x_range,
        y_range=y_range,
        contours=contours(xs, ys, z, numbers(config.get("levels", ()))),
    )


TAYLOR_ORDERS = tuple(range(9))  # what a Taylor explorer offers unless its figure lists `orders`


class ExplorerChoiceError(ValueError):
    """An order or centre the explorer does not offer."""


def taylor_choices(config: dict[str, Any], params: dict[str, Any]) -> dict[str, list[Any]]:
    """What a Taylor explorer (`figure: {explore: taylor, ...}`) lets the learner pick: its
    `orders` and its `centres` (expressions of the parameters, as [text, value] pairs)."""
    from grader.mathinput import evaluate_number

    centres = [str(text) for text in config.get("centres", ["0"])]
    return {
        "orders": [int(n) for n in config.get("orders", TAYLOR_ORDERS)],
        "centres": [[text, float(evaluate_number(text, params))] for text in centres],
    }


def taylor_figure(
    config: dict[str, Any], params: dict[str, Any], order: int, centre: int
) -> dict[str, Any]:
    """The explorer's picture: f (the figure's `expr`, authored text in x) over `x`, and its Taylor
    polynomial of `order` about the `centre`-th offered centre, drawn over the `y` range (or f's)."""
    import sympy

    from grader.mathinput import evaluate_number, parse
    from grader.mathinput.operators import taylor

    choices = taylor_choices(config, params)
    if order not in choices["orders"]:
        raise ExplorerChoiceError(f"the order must be one of {choices['orders']}")
    if not 0 <= centre < len(choices["centres"]):
        raise ExplorerChoiceError(f"the centre must be one of 0..{len(choices['centres']) - 1}")
    f = parse(str(config["expr"]), ["x"], params=params, trusted=True)
    x = next((s for s in f.free_symbols if s.name == "x"), sympy.Symbol("x"))
    centre_text, a = choices["centres"][centre]
    polynomial = taylor(f, x, evaluate_number(centre_text, params), sympy.Integer(order))
    x_range = [float(evaluate_number(str(v), params)) for v in config.get("x", (-4, 4))]
    xs = np.linspace(x_range[0], x_range[1], CURVE_SAMPLES)
    with np.errstate(all="ignore"):
        f_values = np.broadcast_to(
            sympy.lambdify(x, f, "numpy", docstring_limit=0)(xs), xs.shape
        ).astype(float)
        t_values = np.broadcast_to(
            sympy.lambdify(x, polynomial, "numpy", docstring_limit=0)(xs), xs.shape
        )
        f_at_a = float(sympy.N(f.subs(x, evaluate_number(centre_text, params))))
    y_range = (
        [float(evaluate_number(str(v), params)) for v in config["y"]]
        if "y" in config
        else span(f_values)
    )
    about = f"x = {centre_text}"
    return figure(
        f"f(x) and its Taylor polynomial of order {order} about {about}",
        [
            series("f(x)", xs, f_values),
            series(f"order {order} about {about}", xs, np.asarray(t_values, dtype=float), "dashed"),
            series("centre", [a], [f_at_a], "marker"),
        ],
        x_label="x",
        y_label="y",
        x_range=x_range,
        y_range=y_range,
    )


def exercise_figure(exercise: ExerciseDef, params: dict[str, Any]) -> dict[str, Any] | None:
    """The data figure under an exercise's prompt, from its `figure` key: `points` (pairs of
    expressions of the parameters, drawn as a scatter), `contours` (a contour map, see
    `contour_map`) or `function` (the name of a function of the exercise's tests.py that takes
    the parameters and returns a figure)."""
    config = exercise.figure or {}
    title = str(config.get("label", ""))
    if "contours" in config:
        return contour_map(config, params)
    if "points" in config:
        from grader.mathinput import evaluate_number

        values = [
            [float(evaluate_number(str(text), params)) for text in pair]
            for pair in config["points"]
        ]
        xs, ys = zip(*values, strict=True) if values else ((), ())
        return figure(
            title,
            [series("data", xs, ys, "points")],
            x_label=str(config.get("x_label", "x")),
            y_label=str(config.get("y_label", "y")),
            x_range=span(xs),
            y_range=span(ys),
        )
    if "function" in config:
        from grader.answers.code import load_tests

        drawn: dict[str, Any] | None = getattr(
            load_tests(exercise.files["tests.py"]), config["function"]
        )(params)
        return drawn
    return None
