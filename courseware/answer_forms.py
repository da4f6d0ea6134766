"""Reading the learner's answer from the exercise page's form into the API's answer payload."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from courseware.models import Attempt
from courseware.option_tokens import ids_from_tokens, option_token, shown_options
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


def part_widgets(exercise: ExerciseDef, attempt: Attempt) -> list[dict[str, Any]]:
    """What the page shows for each part: its label, kind, input name and (for choices) options,
    each under its token for this attempt."""
    params = attempt.params
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
                    "plot": function_svg(option["plot"], params, label=f"Graph {letter(index)}")
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


def answer_as_shown(exercise: ExerciseDef, attempt: Attempt, answer: dict[str, Any]) -> dict:
    """A stored answer as its learner saw it: chosen options by their letters in the variant
    (an option's id is never shown to learners)."""
    parts = answer.get("parts") if not exercise.single_part else None
    payloads = parts if isinstance(parts, dict) else {exercise.parts[0].name: answer}
    shown = {}
    for part in exercise.parts:
        payload = payloads.get(part.name)
        if part.kind == "choice" and isinstance(payload, dict):
            letters = {
                option["id"]: letter(index)
                for index, option in enumerate(shown_options(part, attempt.seed))
            }
            chosen = payload.get("choices")
            chosen = chosen if isinstance(chosen, list) else [chosen]
            payload = {"choices": [letters.get(c, "?") for c in chosen if isinstance(c, str)]}
        shown[part.name] = payload
    return shown[exercise.parts[0].name] if exercise.single_part else {"parts": shown}


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
