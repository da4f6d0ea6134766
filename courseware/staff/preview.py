"""One variant of an exercise as staff see it: the prompt, each part's reference answer and the
anticipated mistakes with their feedback (the page behind "next seed")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from courseware.answer_forms import figure_svg
from courseware.grading.definitions import definition_for
from courseware.models import ExerciseVersion
from courseware.rendering import render_markdown
from grader.answers.choice import is_correct
from grader.answers.expression import authored
from grader.answers.matrix import expected_grid
from grader.answers.number import expected_value
from grader.mathinput import to_latex
from grader.params import draw_params
from grader.placeholders import fill
from grader.spec import PartDef


@dataclass
class PartPreview:
    name: str
    kind: str
    label: str
    answer: str  # LaTeX, a number, option ids, or a note
    answer_is_math: bool
    mistakes: list[dict[str, str]] = field(default_factory=list)


def _shown(part: PartDef, text: Any, params: dict[str, Any]) -> tuple[str, bool]:
    """An authored answer of the part, as staff read it (LaTeX for math)."""
    if part.kind == "number":
        return f"{float(expected_value(text, params)):.10g}", False
    if part.kind == "expression":
        return to_latex(authored(part, text, params).value, as_written=False), True
    if part.kind == "matrix":
        import sympy

        grid, _ = expected_grid(part, text, params)
        return to_latex(
            sympy.Matrix([[cell.value for cell in row] for row in grid]), as_written=False
        ), True
    return str(text), False


def part_preview(part: PartDef, params: dict[str, Any]) -> PartPreview:
    label = fill(str(part.config.get("label", "")), params)
    if part.kind == "choice":
        options = part.config["options"]
        right = [o["id"] for o in options if is_correct(o, params)]
        mistakes = [
            {
                "answer": o["id"],
                "feedback": fill(o.get("feedback", ""), params),
                "rule": o.get("rule", o["id"]),
            }
            for o in options
            if o["id"] not in right and o.get("feedback")
        ]
        return PartPreview(part.name, part.kind, label, ", ".join(right), False, mistakes)
    if part.kind in ("code", "interactive"):
        note = (
            "graded by its tests (see tests.py and the worked solution)"
            if part.kind == "code"
            else "a game"
        )
        return PartPreview(part.name, part.kind, label, note, False)
    answer, math = _shown(part, part.config["answer"], params)
    mistakes = []
    for mistake in part.config.get("mistakes", []):
        try:
            shown, _ = _shown(part, mistake["answer"], params)
        except (ArithmeticError, ValueError, TypeError):
            shown = "(undefined for this variant)"
        mistakes.append(
            {
                "answer": shown,
                "feedback": fill(str(mistake["feedback"]), params),
                "rule": mistake.get("rule", ""),
            }
        )
    return PartPreview(part.name, part.kind, label, answer, math, mistakes)


def variant_preview(version: ExerciseVersion, seed: int) -> dict[str, Any]:
    """Everything the preview page shows for the variant drawn from `seed`."""
    definition = definition_for(version)
    params = draw_params(definition.params, seed, definition.redraw_if)
    return {
        "seed": seed,
        "params": params,
        "prompt": render_markdown(definition.prompt, params),
        "figure": figure_svg(definition, params),
        "parts": [part_preview(part, params) for part in definition.parts],
        "hints": [render_markdown(hint, params) for hint in definition.hints],
        "solution": render_markdown(definition.solution, params),
    }
