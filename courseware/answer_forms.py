"""Reading the learner's answer from the exercise page's form into the API's answer payload."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from courseware.models import Attempt
from courseware.option_tokens import ids_from_tokens, option_token, shown_options
from courseware.plots import chart_svg, function_svg, shared_y_range
from courseware.rendering import render_markdown
from grader.answers import PAYLOAD_KEYS
from grader.figures import compared_x_range, exercise_figure
from grader.spec import ExerciseDef, PartDef


def field_name(part: PartDef) -> str:
    return f"part-{part.name}"


def cell_name(part: PartDef, row: int, column: int) -> str:
    return f"{field_name(part)}-{row}-{column}"


def _grid_from_post(part: PartDef, post: QueryDict) -> list[list[str]]:
    """The cells `part-<name>-<i>-<j>` the page sent, as rows (the shape is the page's)."""
    rows, columns = (_size(post.get(f"{field_name(part)}-{key}")) for key in ("rows", "columns"))
    return [[post.get(cell_name(part, i, j), "") for j in range(columns)] for i in range(rows)]


def _size(text: str | None) -> int:
    """A grid dimension from the form: 0..10, and 0 for anything that is not a number."""
    return min(max(int(text), 0), 10) if text and text.strip().isdigit() else 0


def answer_from_post(exercise: ExerciseDef, attempt: Attempt, post: QueryDict) -> dict[str, Any]:
    """{"value": ...} for a one-part exercise, {"parts": {...}} otherwise, as the API takes it.

    Chosen options come as the attempt's tokens and leave as option ids (InvalidAnswer for a
    token the attempt did not show).
    """
    payloads = {}
    for part in exercise.parts:
        name = field_name(part)
        if part.kind == "choice":
            chosen = ids_from_tokens(attempt.pk, part, post.getlist(name))
            payloads[part.name] = {"choices": chosen}
        elif part.kind == "matrix":
            payloads[part.name] = {"matrix": _grid_from_post(part, post)}
        elif part.kind == "expression" and post.get(f"{name}-format") == "latex":
            payloads[part.name] = {"latex": post.get(name, "")}
        else:
            payloads[part.name] = {PAYLOAD_KEYS[part.kind][0]: post.get(name, "")}
    if exercise.single_part:
        return payloads[exercise.parts[0].name]
    return {"parts": payloads}


@dataclass(frozen=True)
class GraphFrame:
    """What graphs meant to be compared share: one x range, one y scale, and the function that is
    drawn faintly behind each option (when the part asks for it)."""

    x_range: tuple[float, float]
    y_range: tuple[float, float]
    overlay: str | None = None


def compared_graphs(exercise: ExerciseDef, params: dict[str, Any]) -> GraphFrame | None:
    """The frame shared by the exercise's function figure and the graphs of its choice options,
    or None when the exercise has no option graphs. Options are drawn on the figure's x range."""
    plotted = [
        (part, [option["plot"] for option in part.config["options"] if option.get("plot")])
        for part in exercise.parts
        if part.kind == "choice"
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


def part_widgets(exercise: ExerciseDef, attempt: Attempt) -> list[dict[str, Any]]:
    """What the page shows for each part: its label, kind, input name and (for choices) options,
    each under its token for this attempt."""
    params = attempt.params
    frame = compared_graphs(exercise, params)
    widgets = []
    for part in exercise.parts:
        widget = {
            "name": part.name,
            "field": field_name(part),
            "kind": part.kind,
            "label": render_markdown(part.config.get("label", ""), params),
            "multiple": bool(part.config.get("multiple")),
        }
        if part.kind in ("expression", "matrix"):
            widget["variables"] = ", ".join(part.config.get("variables", []))
        if part.kind == "matrix":
            widget["grid"] = matrix_cells(part, params)
        if part.kind == "code":
            widget["starter"] = part.config.get("starter", "")
            widget["signature"] = part.config.get("signature", "")
            widget["has_examples"] = True
        if part.kind == "choice":
            widget["options"] = [
                {
                    "token": option_token(attempt.pk, part.name, option["id"]),
                    "letter": letter(index),
                    "html": render_markdown(option.get("text", ""), params),
                    "plot": function_svg(
                        option["plot"],
                        params,
                        frame.x_range,
                        label=f"Graph {letter(index)}",
                        y_range=frame.y_range,
                        overlay=frame.overlay,
                    )
                    if option.get("plot")
                    else "",
                }
                for index, option in enumerate(shown_options(part, attempt.seed))
            ]
        widgets.append(widget)
    return widgets


def letter(index: int) -> str:
    """The letter the page gives the option at `index` in the variant's order: A, B, …"""
    return chr(ord("A") + index)


def figure_svg(exercise: ExerciseDef, params: dict[str, Any]) -> str:
    """The exercise's figure, if it has one: a graph of an authored expression, or data."""
    figure = exercise.figure
    if not figure:
        return ""
    if "expr" not in figure:
        return chart_svg(exercise_figure(exercise, params))
    x_range = tuple(figure.get("x", (-4, 4)))
    frame = compared_graphs(exercise, params)
    return function_svg(
        figure["expr"],
        params,
        x_range,
        label=figure.get("label", "") or "The graph of f",
        y_range=frame.y_range if frame else None,
    )


def matrix_cells(part: PartDef, params: dict[str, Any]) -> list[list[dict[str, str]]]:
    """The input grid of a matrix part, sized like the variant's expected answer."""
    from grader.answers.matrix import expected_grid

    grid, _ = expected_grid(part, part.config["answer"], params)
    return [
        [
            {"name": cell_name(part, i, j), "label": f"row {i + 1}, column {j + 1}"}
            for j in range(len(row))
        ]
        for i, row in enumerate(grid)
    ]
