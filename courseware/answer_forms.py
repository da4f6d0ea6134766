"""The exercise page's answer form: each part's widget, and the submitted form read back into the
API's answer payload, both by the part's answer kind (`grader.answers`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.http import QueryDict

from courseware.models import Attempt
from courseware.option_tokens import ids_from_tokens, option_token
from courseware.plots import chart_svg, function_svg
from courseware.rendering import render_markdown
from grader.answers import answer_kind
from grader.figures import exercise_figure
from grader.graphs import GraphFrame, compared_graphs, compared_x_range
from grader.spec import ExerciseDef, PartDef


def field_name(part: PartDef) -> str:
    return f"part-{part.name}"


def answer_from_post(exercise: ExerciseDef, attempt: Attempt, post: QueryDict) -> dict[str, Any]:
    """{"value": ...} for a one-part exercise, {"parts": {...}} otherwise, as the API takes it:
    each part's fields read by its kind (InvalidAnswer for an option the attempt did not show)."""
    page = attempt_page(exercise, attempt)
    payloads = {
        part.name: answer_kind(part.kind).read_form(part, field_name(part), post, page)
        for part in exercise.parts
    }
    if exercise.single_part:
        return payloads[exercise.parts[0].name]
    return {"parts": payloads}


@dataclass
class VariantPage:
    """What the page of one variant lends the answer kinds (`grader.answers.Page`): Markdown with
    the parameters filled, the attempt's option tokens, graphs on the exercise's shared frame."""

    exercise: ExerciseDef
    params: dict[str, Any]
    seed: int
    attempt_id: int | None = None

    def markdown(self, text: str) -> str:
        return render_markdown(text, self.params)

    def option_token(self, part: PartDef, option_id: str) -> str:
        return option_token(self._attempt(), part.name, option_id)

    def option_ids(self, part: PartDef, tokens: list[str]) -> list[str]:
        return ids_from_tokens(self._attempt(), part, tokens)

    def _attempt(self) -> int:
        """Option tokens are an attempt's own: a page drawn without one (a recorded answer
        shown again) has none."""
        if self.attempt_id is None:
            raise ValueError("option tokens belong to an attempt")
        return self.attempt_id

    @cached_property
    def frame(self) -> GraphFrame | None:
        return compared_graphs(self.exercise, self.params)

    def graph(self, expr: str, label: str) -> str:
        """An option's plot, on the frame the exercise's option graphs share."""
        frame = self.frame
        assert frame is not None  # an option with a graph makes the frame
        return function_svg(
            expr,
            self.params,
            frame.x_range,
            label=label,
            y_range=frame.y_range,
            overlay=frame.overlay,
        )


def attempt_page(exercise: ExerciseDef, attempt: Attempt) -> VariantPage:
    return VariantPage(exercise, attempt.params, attempt.seed, attempt.pk)


def part_widgets(exercise: ExerciseDef, attempt: Attempt) -> list[dict[str, Any]]:
    """What the page shows for each part: its label, input name and template
    (`courseware/_part_<kind>.html`), and what its kind adds (choices: options under tokens)."""
    page = attempt_page(exercise, attempt)
    return [
        {
            "name": part.name,
            "field": field_name(part),
            "kind": part.kind,
            "template": f"courseware/_part_{part.kind}.html",
            "label": page.markdown(part.config.get("label", "")),
            **answer_kind(part.kind).widget(part, field_name(part), page),
        }
        for part in exercise.parts
    ]


def figure_svg(exercise: ExerciseDef, params: dict[str, Any]) -> str:
    """The exercise's figure, if it has one: a graph of an authored expression, or data."""
    figure = exercise.figure
    if not figure:
        return ""
    if "expr" not in figure:
        data = exercise_figure(exercise, params)
        return "" if data is None else chart_svg(data)
    frame = compared_graphs(exercise, params)
    return function_svg(
        figure["expr"],
        params,
        compared_x_range(exercise),
        label=figure.get("label", "") or "The graph of f",
        y_range=frame.y_range if frame else None,
    )
