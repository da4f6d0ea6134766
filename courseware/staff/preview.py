"""One variant of an exercise as staff see it: the prompt, each part's reference answer and the
anticipated mistakes with their feedback (the page behind "next seed")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from courseware.answer_forms import figure_svg
from courseware.grading.definitions import definition_for
from courseware.models import ExerciseVersion
from courseware.rendering import render_markdown
from grader.answers import answer_kind
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


def part_preview(part: PartDef, params: dict[str, Any]) -> PartPreview:
    """The part's reference answer and anticipated mistakes, as its kind shows them to staff."""
    label = fill(str(part.config.get("label", "")), params)
    shown = answer_kind(part.kind).preview(part, params)
    return PartPreview(part.name, part.kind, label, shown.answer, shown.math, shown.mistakes)


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
