"""Reading the learner's answer from the exercise page's form into the API's answer payload."""

from __future__ import annotations

import random
from typing import Any

from django.http import QueryDict

from courseware.plots import chart_svg, function_svg
from courseware.rendering import render_markdown
from grader.answers import PAYLOAD_KEYS
from grader.figures import exercise_figure
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


def answer_from_post(exercise: ExerciseDef, post: QueryDict) -> dict[str, Any]:
    """{"value": ...} for a one-part exercise, {"parts": {...}} otherwise, as the API takes it."""
    payloads = {}
    for part in exercise.parts:
        name = field_name(part)
        if part.kind == "choice":
            payloads[part.name] = {"choices": post.getlist(name)}
        elif part.kind == "matrix":
            payloads[part.name] = {"matrix": _grid_from_post(part, post)}
        elif part.kind == "expression" and post.get(f"{name}-format") == "latex":
            payloads[part.name] = {"latex": post.get(name, "")}
        else:
            payloads[part.name] = {PAYLOAD_KEYS[part.kind][0]: post.get(name, "")}
    if exercise.single_part:
        return payloads[exercise.parts[0].name]
    return {"parts": payloads}


def part_widgets(exercise: ExerciseDef, params: dict[str, Any], seed: int) -> list[dict[str, Any]]:
    """What the page shows for each part: its label, kind, input name and (for choices) options."""
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
            options = list(part.config["options"])
            if part.config.get("shuffle", True):
                random.Random(f"{seed}:{part.name}").shuffle(options)
            widget["options"] = [
                {
                    "id": option["id"],
                    "letter": chr(ord("A") + index),
                    "html": render_markdown(option.get("text", ""), params),
                    "plot": function_svg(
                        option["plot"],
                        params,
                        part.config.get("plot_range", (-4.0, 4.0)),
                        label=f"Graph {chr(ord('A') + index)}",
                        over=part.config.get("plot_over"),
                    )
                    if option.get("plot")
                    else "",
                }
                for index, option in enumerate(options)
            ]
        widgets.append(widget)
    return widgets


def figure_svg(exercise: ExerciseDef, params: dict[str, Any]) -> str:
    """The exercise's figure, if it has one: a graph of an authored expression, or data."""
    figure = exercise.figure
    if not figure:
        return ""
    if "expr" not in figure:
        return chart_svg(exercise_figure(exercise, params))
    x_range = tuple(figure.get("x", (-4, 4)))
    return function_svg(figure["expr"], params, x_range, label=figure.get("label", ""))


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
