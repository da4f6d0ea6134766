"""Graphs and figures drawn on the server as small, self-contained SVG (no script, no external
assets), with a text alternative. The numbers they are drawn from (samples, shared y scales, tick
values) are the grading engine's: `grader.graphs` for functions, `grader.figures` for data."""

from __future__ import annotations

import functools
import html
import json
from typing import Any

import numpy as np

from grader.graphs import DEFAULT_X_RANGE, Floats, fitted_y_range, nice_ticks, sample
from grader.params import params_key


def function_svg(
    expr_text: str,
    params: dict[str, Any],
    x_range: tuple[float, float] = DEFAULT_X_RANGE,
    label: str = "",
    y_range: tuple[float, float] | None = None,
    overlay: str | None = None,
) -> str:
    """A graph of an authored function of x, with tick labels on both axes and a text alternative
    that says what the curve does. `y_range` (else fitted to the curve) lets graphs that are to be
    compared share one scale; `overlay` is another function drawn faintly behind (the function an
    approximation approximates, say).

    A variant's graph never changes, and drawing one costs more than the rest of its page (parsing
    and compiling the expression), so each process keeps the graphs it drew recently.
    """
    x_range = (float(x_range[0]), float(x_range[1]))
    y_range = (float(y_range[0]), float(y_range[1])) if y_range else None
    return _function_svg(expr_text, params_key(params), x_range, label, y_range, overlay)


@functools.lru_cache(maxsize=1024)
def _function_svg(
    expr_text: str,
    params_json: str,
    x_range: tuple[float, float],
    label: str,
    y_range: tuple[float, float] | None,
    overlay: str | None,
) -> str:
    params = json.loads(params_json)
    xs, ys = sample(expr_text, params, x_range)
    y_range = y_range or fitted_y_range([ys])
    series = []
    if overlay:
        _, under = sample(overlay, params, x_range)
        series.append({"label": "", "style": "faint", "points": _points(xs, under)})
    series.append({"label": "", "style": "line", "points": _points(xs, ys)})
    spec = {"title": label or "graph", "x_range": x_range, "y_range": y_range, "series": series}
    return chart_svg(spec, description=describe_curve(xs, ys, y_range))


def _points(xs: Floats, ys: Floats) -> list[list[float | None]]:
    return [[float(x), float(y) if np.isfinite(y) else None] for x, y in zip(xs, ys, strict=True)]


def describe_curve(xs: Floats, ys: Floats, y_range: tuple[float, float]) -> str:
    """What a sighted reader sees in a graph: the ranges, where the curve rises and falls, and
    where it crosses the x-axis (to the precision one can read off a graph)."""
    lo, hi = y_range
    text = [f"x from {_tick(xs[0])} to {_tick(xs[-1])}, y axis from {_tick(lo)} to {_tick(hi)}"]
    finite = np.isfinite(ys)
    if not finite.any():
        return text[0] + "; nothing is drawn."
    slope = np.sign(np.diff(np.where(finite, ys, np.nan)))
    moves, start = [], 0
    for i in range(1, len(slope) + 1):
        if i == len(slope) or (slope[i] != slope[start] and not np.isnan(slope[i])):
            word = {1.0: "rises", -1.0: "falls"}.get(float(slope[start]))
            if word and i - start > len(xs) // 40:
                moves.append(f"{word} until x ≈ {_tick(round(float(xs[i]), 1))}")
            start = i
    if moves:
        moves[-1] = moves[-1].split(" until ")[0] + " to the right edge"
        text.append("the curve " + ", then ".join(moves))
    crossings, last = [], None  # the last sample off the axis: (x, y)
    for x, y in zip(xs, ys, strict=True):
        if not np.isfinite(y) or y == 0:
            last = None if not np.isfinite(y) else last
            continue
        if last is not None and (last[1] > 0) != (y > 0):
            at = last[0] - last[1] * (x - last[0]) / (y - last[1])
            crossings.append(_tick(round(float(at), 1)))
        last = (x, y)
    if crossings:
        text.append("it crosses the x-axis at x ≈ " + ", ".join(dict.fromkeys(crossings)))
    elif np.nanmin(ys) > 0:
        text.append("it stays above the x-axis")
    elif np.nanmax(ys) < 0:
        text.append("it stays below the x-axis")
    return "; ".join(text) + "."


CHART_W, CHART_H = 360, 240
LEFT, RIGHT, TOP, BOTTOM = 46, 10, 26, 34
DATA_COLOUR, MARKER_COLOUR, CONTOUR_COLOUR = "#7a869a", "#111", "#c4c9d4"
LINE_COLOURS = ("#1f5fbf", "#d9480f", "#2b8a3e", "#862e9c")


def chart_svg(spec: dict[str, Any], description: str = "") -> str:
    """A figure (grader.figures data) as SVG; every number is read as a float and every text is
    escaped, so nothing in the data becomes markup. Malformed data draws nothing."""
    try:
        return _chart(spec, description)
    except (KeyError, TypeError, ValueError, IndexError, OverflowError):
        return ""


def _chart(spec: dict[str, Any], description: str = "") -> str:
    all_series = [
        (str(s["label"]), str(s["style"]), _pairs(s["points"])) for s in spec.get("series") or []
    ]
    x_range = _range(spec.get("x_range"), [x for *_, pts in all_series for x, _ in pts])
    y_range = _range(spec.get("y_range"), [y for *_, pts in all_series for _, y in pts])
    frame = _Frame(x_range, y_range)
    plotted = [_contour_paths(spec["contours"], frame)] if spec.get("contours") else []
    colours = iter(LINE_COLOURS * 4)
    legend = []
    for label, style, points in all_series:
        colour = (
            DATA_COLOUR
            if style in ("points", "bars", "faint")
            else MARKER_COLOUR
            if style in ("marker", "named")
            else next(colours)
        )
        if style == "named":  # labelled where it is drawn, so not in the legend
            plotted.append(_named_points(label, points, frame, colour))
            continue
        plotted.append(_draw_series(style, points, frame, colour))
        if label:
            legend.append((label, style, colour))
    width, height = CHART_W - LEFT - RIGHT, CHART_H - TOP - BOTTOM
    parts = [
        frame.axes(str(spec.get("x_label", "")), str(spec.get("y_label", ""))),
        # A nested viewport clips whatever runs off the axes box (a diverging fit, say).
        f'<svg x="{LEFT}" y="{TOP}" width="{width}" height="{height}" '
        f'viewBox="{LEFT} {TOP} {width} {height}">{"".join(plotted)}</svg>',
        _legend(legend),
    ]
    title = str(spec.get("title", "")) or "figure"
    described = description or "; ".join(
        f"{label}: {len(points)} points" for label, _, points in all_series
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {CHART_W} {CHART_H}" role="img" '
        f'class="plot chart" aria-label="{html.escape(title)}{": " if description else ""}'
        f'{html.escape(description)}"><title>{html.escape(title)}</title>'
        f"<desc>{html.escape(described)}</desc>{''.join(parts)}</svg>"
    )


Points = list[tuple[float | None, float | None]]


def _pairs(points: list[Any]) -> Points:
    return [(_finite(x), _finite(y)) for x, y in points]


def _finite(value: Any) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if np.isfinite(value) else None


def _range(given: Any, values: list[float | None]) -> tuple[float, float]:
    """The given [lo, hi], else the span of the finite values; never empty."""
    if given and None not in given:
        lo, hi = float(given[0]), float(given[1])
    else:
        finite = [v for v in values if v is not None]
        lo, hi = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1.0):
        lo, hi = lo - 1.0, hi + 1.0
    return lo, hi


class _Frame:
    """Data coordinates to picture coordinates inside the axes box."""

    def __init__(self, x_range: tuple[float, float], y_range: tuple[float, float]):
        self.x0, self.x1 = x_range
        self.y0, self.y1 = y_range

    def px(self, x: float) -> float:
        return LEFT + (x - self.x0) / (self.x1 - self.x0) * (CHART_W - LEFT - RIGHT)

    def py(self, y: float) -> float:
        return CHART_H - BOTTOM - (y - self.y0) / (self.y1 - self.y0) * (CHART_H - TOP - BOTTOM)

    def inside(self, x: float | None, y: float | None, slack: float = 0.0) -> bool:
        """Whether (x, y) is in the axes box, widened by `slack` box sizes on every side."""
        dx, dy = (self.x1 - self.x0) * slack, (self.y1 - self.y0) * slack
        return (
            x is not None
            and y is not None
            and self.x0 - dx <= x <= self.x1 + dx
            and self.y0 - dy <= y <= self.y1 + dy
        )

    def placed(self, points: Points, slack: float = 0.0) -> list[tuple[float, float] | None]:
        """Each point's picture coordinates, or None where it is missing or outside (`inside`)."""
        return [
            (self.px(x), self.py(y))
            if x is not None and y is not None and self.inside(x, y, slack)
            else None
            for x, y in points
        ]

    def axes(self, x_label: str, y_label: str) -> str:
        bottom, right = CHART_H - BOTTOM, CHART_W - RIGHT
        parts = [
            f'<rect x="{LEFT}" y="{TOP}" width="{right - LEFT}" height="{bottom - TOP}" '
            'fill="none" stroke="#888"/>'
        ]
        for t in nice_ticks(self.x0, self.x1):
            x = self.px(t)
            parts.append(
                f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 3}" stroke="#888"/>'
                f'<text x="{x:.1f}" y="{bottom + 12}" font-size="9" text-anchor="middle" '
                f'fill="#555">{_tick(t)}</text>'
            )
        for t in nice_ticks(self.y0, self.y1):
            y = self.py(t)
            parts.append(
                f'<line x1="{LEFT - 3}" y1="{y:.1f}" x2="{LEFT}" y2="{y:.1f}" stroke="#888"/>'
                f'<text x="{LEFT - 5}" y="{y + 3:.1f}" font-size="9" text-anchor="end" '
                f'fill="#555">{_tick(t)}</text>'
            )
        parts.append(
            f'<text x="{(LEFT + right) / 2:.1f}" y="{CHART_H - 4}" font-size="10" '
            f'text-anchor="middle" fill="#333">{html.escape(x_label)}</text>'
            f'<text x="10" y="{(TOP + bottom) / 2:.1f}" font-size="10" text-anchor="middle" '
            f'fill="#333" transform="rotate(-90 10 {(TOP + bottom) / 2:.1f})">'
            f"{html.escape(y_label)}</text>"
        )
        return "".join(parts)


def _tick(value: float) -> str:
    return f"{round(value, 12) + 0.0:.4g}".replace("-", "−")  # + 0.0: never "−0"


def _draw_series(style: str, points: Points, frame: _Frame, colour: str) -> str:
    inside = [point for point in frame.placed(points) if point is not None]
    if style == "points":
        return "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour}"/>' for x, y in inside
        )
    if style == "marker":
        return "".join(_cross(x, y, colour) for x, y in inside)
    if style == "bars":
        return _bars(points, frame, colour)
    dash = ' stroke-dasharray="5 3"' if style in ("dashed", "faint") else ""
    width = 1.5 if style == "faint" else 2
    lines = "".join(
        f'<polyline points="{run}" fill="none" stroke="{colour}" stroke-width="{width}"{dash}/>'
        for run in _runs(points, frame)
    )
    if style == "path":
        lines += "".join(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="1.8" fill="{colour}"/>' for x, y in inside
        )
    return lines


def _named_points(label: str, points: Points, frame: _Frame, colour: str) -> str:
    """A dot at each point with the label written beside it (the point's name, such as P)."""
    inside = [point for point in frame.placed(points) if point is not None]
    return "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>'
        f'<text x="{x + 5:.1f}" y="{y - 5:.1f}" font-size="11" font-weight="bold" '
        f'fill="{colour}">{html.escape(label)}</text>'
        for x, y in inside
    )


def _cross(x: float, y: float, colour: str) -> str:
    return (
        f'<path d="M{x - 4:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 4:.1f}M{x - 4:.1f},{y + 4:.1f}'
        f'L{x + 4:.1f},{y - 4:.1f}" stroke="{colour}" stroke-width="2"/>'
    )


def _runs(points: Points, frame: _Frame) -> list[str]:
    """Polyline point lists, broken wherever a point is missing or far outside the frame (the
    viewport clips the rest)."""
    runs, current = [], []
    for point in frame.placed(points, slack=10):
        if point is not None:
            current.append(f"{point[0]:.1f},{point[1]:.1f}")
            continue
        if len(current) > 1:
            runs.append(" ".join(current))
        current = []
    if len(current) > 1:
        runs.append(" ".join(current))
    return runs


def _bars(points: Points, frame: _Frame, colour: str) -> str:
    """A histogram: bars from 0 (or the frame's floor) up to each value, centred on each x."""
    xs = [x for x, y in points if x is not None and y is not None]
    width = (max(xs) - min(xs)) / max(len(xs) - 1, 1) if len(xs) > 1 else 1.0
    floor = min(max(0.0, frame.y0), frame.y1)
    bars = []
    for x, y in points:
        if x is None or y is None or not frame.x0 <= x <= frame.x1:
            continue
        top = min(max(y, frame.y0), frame.y1)
        left, right = frame.px(x - width / 2), frame.px(x + width / 2)
        y_top, y_floor = sorted((frame.py(top), frame.py(floor)))
        bars.append(
            f'<rect x="{left:.1f}" y="{y_top:.1f}" width="{right - left:.1f}" '
            f'height="{y_floor - y_top:.1f}" fill="{colour}" fill-opacity="0.5"/>'
        )
    return "".join(bars)


def _contour_paths(spec: dict[str, Any], frame: _Frame) -> str:
    """Level lines by marching squares over the grid (linear interpolation along cell edges): the
    crossings of every cell edge are found with NumPy, level by level, and only the cells that a
    level crosses are visited one by one, in rows from the first, to write their segments."""
    xs = np.array([float(v) for v in spec["x"]], dtype=float)
    ys = np.array([float(v) for v in spec["y"]], dtype=float)
    z = np.array([[np.nan if v is None else float(v) for v in row] for row in spec["z"]])
    if z.shape != (len(ys), len(xs)):
        return ""
    # A cell's corners: (x_j, y_i), (x_j+1, y_i), (x_j+1, y_i+1), (x_j, y_i+1); its edges join
    # them in that order, the last back to the first. Each coordinate at every cell's shape.
    shape = (max(len(ys) - 1, 0), max(len(xs) - 1, 0))
    x_left, x_right = (np.broadcast_to(v[None, :], shape) for v in (xs[:-1], xs[1:]))
    y_low, y_high = (np.broadcast_to(v[:, None], shape) for v in (ys[:-1], ys[1:]))
    corners = [
        (x_left, y_low, z[:-1, :-1]),
        (x_right, y_low, z[:-1, 1:]),
        (x_right, y_high, z[1:, 1:]),
        (x_left, y_high, z[1:, :-1]),
    ]
    edges = list(zip(corners, corners[1:] + corners[:1], strict=True))
    finite = [np.isfinite(za) & np.isfinite(zb) for (_, _, za), (_, _, zb) in edges]
    dx, dy = (frame.x1 - frame.x0) * 0.0, (frame.y1 - frame.y0) * 0.0  # as frame.inside()
    paths = []
    for level in spec["levels"]:
        if level is None:
            continue
        level = float(level)
        crossed: list[Any] = []
        drawn: list[Any] = []
        px: list[Any] = []  # frame.px and frame.py of arrays
        py: list[Any] = []
        with np.errstate(all="ignore"):
            for ok, ((xa, ya, za), (xb, yb, zb)) in zip(finite, edges, strict=True):
                crossed.append(ok & ((za < level) != (zb < level)))
                t = (level - za) / (zb - za)
                x, y = xa + t * (xb - xa), ya + t * (yb - ya)
                drawn.append(
                    (frame.x0 - dx <= x) & (x <= frame.x1 + dx)
                    & (frame.y0 - dy <= y) & (y <= frame.y1 + dy)
                )  # fmt: skip
                px.append(frame.px(x))
                py.append(frame.py(y))
        moves = []
        for i, j in np.argwhere(sum(c.astype(int) for c in crossed) >= 2).tolist():
            found = [k for k in range(4) if crossed[k][i, j]]
            for a, b in zip(found[::2], found[1::2], strict=False):
                if drawn[a][i, j] and drawn[b][i, j]:
                    moves.append(
                        f"M{px[a][i, j]:.1f},{py[a][i, j]:.1f}L{px[b][i, j]:.1f},{py[b][i, j]:.1f}"
                    )
        if moves:
            paths.append(
                f'<path d="{"".join(moves)}" fill="none" stroke="{CONTOUR_COLOUR}" stroke-width="1"/>'
            )
    return "".join(paths)


def _legend(entries: list[tuple[str, str, str]]) -> str:
    """One row above the axes: a swatch in each series' style, then its label."""
    parts: list[str] = []
    x: float = LEFT
    for label, style, colour in entries:
        if style == "marker":
            swatch = _cross(x + 6, 12, colour)
        elif style in ("points", "bars"):
            swatch = f'<circle cx="{x + 6}" cy="12" r="3" fill="{colour}"/>'
        else:
            dash = ' stroke-dasharray="5 3"' if style == "dashed" else ""
            swatch = f'<line x1="{x}" y1="12" x2="{x + 14}" y2="12" stroke="{colour}" stroke-width="2"{dash}/>'
        parts.append(
            f'{swatch}<text x="{x + 18}" y="15" font-size="10" fill="#333">{html.escape(label)}</text>'
        )
        x += 26 + 5.5 * len(label)
    return "".join(parts)
