"""Graphs of functions drawn on the server as small, self-contained SVG (no script, no external assets)."""

from __future__ import annotations

import functools
import html
import json
from typing import Any

import numpy as np
import sympy

WIDTH, HEIGHT, PAD = 320, 200, 14
SAMPLES = 241


def sample(
    expr_text: str, params: dict[str, Any], x_range: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """The function (authored text, trusted) at evenly spaced x; NaN where it is undefined."""
    from grader.mathinput import parse

    x = sympy.Symbol("x")
    expr = parse(expr_text, ["x"], params=params, trusted=True)
    xs = np.linspace(*x_range, SAMPLES)
    f = sympy.lambdify(x, expr, "numpy")
    with np.errstate(all="ignore"):
        ys = np.broadcast_to(np.asarray(f(xs), dtype=complex), xs.shape)
    ys = np.where(np.abs(ys.imag) < 1e-12, ys.real, np.nan)
    return xs, ys


def function_svg(
    expr_text: str, params: dict[str, Any], x_range=(-4.0, 4.0), label: str = ""
) -> str:
    """An SVG plot with axes; the y range fits the curve (clipped at 8 times its median size).

    A variant's graph never changes, and drawing one costs more than the rest of its page (parsing
    and compiling the expression), so each process keeps the graphs it drew recently.
    """
    key = json.dumps(params, sort_keys=True, default=str)
    return _function_svg(expr_text, key, tuple(float(v) for v in x_range), label)


@functools.lru_cache(maxsize=1024)
def _function_svg(
    expr_text: str, params_json: str, x_range: tuple[float, float], label: str
) -> str:
    xs, ys = sample(expr_text, json.loads(params_json), x_range)
    finite = ys[np.isfinite(ys)]
    limit = max(float(np.max(np.abs(finite))) if finite.size else 1.0, 1e-9)
    limit = (
        min(limit, 8 * max(float(np.median(np.abs(finite))) if finite.size else 1.0, 1e-9)) * 1.1
    )
    x0, x1 = xs[0], xs[-1]

    def px(x: float) -> float:
        return PAD + (x - x0) / (x1 - x0) * (WIDTH - 2 * PAD)

    def py(y: float) -> float:
        return HEIGHT / 2 - y / limit * (HEIGHT / 2 - PAD)

    segments, current = [], []
    for x, y in zip(xs, ys, strict=True):
        if np.isfinite(y) and abs(y) <= limit:
            current.append(f"{px(x):.1f},{py(y):.1f}")
        elif current:
            segments.append(current)
            current = []
    if current:
        segments.append(current)
    lines = "".join(
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#1f5fbf" stroke-width="2"/>'
        for points in segments
        if len(points) > 1
    )
    axis_x = (
        f'<line x1="{PAD}" y1="{HEIGHT / 2}" x2="{WIDTH - PAD}" y2="{HEIGHT / 2}" stroke="#888"/>'
    )
    axis_y = ""
    if x0 < 0 < x1:
        axis_y = f'<line x1="{px(0):.1f}" y1="{PAD / 2}" x2="{px(0):.1f}" y2="{HEIGHT - PAD / 2}" stroke="#888"/>'
    ticks = "".join(
        f'<line x1="{px(t):.1f}" y1="{HEIGHT / 2 - 3}" x2="{px(t):.1f}" y2="{HEIGHT / 2 + 3}" stroke="#888"/>'
        f'<text x="{px(t):.1f}" y="{HEIGHT / 2 + 14}" font-size="9" text-anchor="middle" fill="#555">{t}</text>'
        for t in range(int(np.ceil(x0)), int(np.floor(x1)) + 1)
        if t != 0
    )
    title = f"<title>{html.escape(label)}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'class="plot" aria-label="{html.escape(label or "graph")}">{title}{axis_x}{axis_y}{ticks}{lines}</svg>'
    )
