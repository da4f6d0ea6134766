from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from courseware.answer_display import shown_answer
from courseware.grading import events
from courseware.grading.intake import CHECK_DELAY_MS, SAFETY_DELAY_MS, poll_delay_ms
from courseware.models import Submission
from courseware.plots import chart_svg
from courseware.rendering import render_markdown
from courseware.variants import definition_of

register = template.Library()


@register.simple_tag
def fragments(template_name: str, name: str, items: Iterable[Any], **values: Any) -> SafeString:
    """`template_name` rendered for each of `items` (as `name`) with `values` alone, joined: a
    table's rows. For values compared by content (strings, numbers, frozen dataclasses: never
    model instances) a row is the same HTML every time, so each process keeps the rows it rendered
    recently: they recur from one learner's page to the next."""
    language, url_prefix = get_language(), get_script_prefix()
    return mark_safe(  # noqa: S308 - each row is a template's output, escaped as it renders
        "".join(
            _fragment(
                template_name, tuple(sorted({**values, name: item}.items())), language, url_prefix
            )
            for item in items
        )
    )


@lru_cache(maxsize=4096)
def _fragment(
    template_name: str, values: tuple[tuple[str, Any], ...], language: str, url_prefix: str
) -> SafeString:
    """Keyed by the language (number formats) and the prefix of the site's URLs too."""
    return render_to_string(template_name, dict(values))


@register.filter
def markdown(text: str) -> str:
    """Sanitised Markdown with math (see courseware.rendering)."""
    return mark_safe(render_markdown(str(text)))  # noqa: S308 - render_markdown sanitises


@register.filter
def chart(figure: dict[str, Any]) -> str:
    """A figure from a feedback item (grader.figures data) as inline SVG."""
    return mark_safe(chart_svg(figure))  # noqa: S308 - chart_svg escapes every text and number


@register.filter
def entry_grid(feedback: list[dict[str, Any]]) -> list[list[dict[str, str]]]:
    """Per-entry marks of a matrix answer, as rows of {"mark", "css", "label"} for a small grid."""
    entries = [
        item["data"]
        for item in feedback
        if item.get("type") == "entry" and "row" in item.get("data", {})
    ]
    if not entries:
        return []
    rows = max(e["row"] for e in entries)
    columns = max(e["column"] for e in entries)
    grid = [[{"mark": "", "css": "", "label": ""} for _ in range(columns)] for _ in range(rows)]
    for e in entries:
        state = {
            True: ("✓", "right", "correct"),
            False: ("✗", "wrong", "wrong"),
            None: ("?", "unknown", "awaiting review"),
        }
        mark, css, word = state[e.get("correct")]
        grid[e["row"] - 1][e["column"] - 1] = {
            "mark": mark,
            "css": css,
            "label": f"row {e['row']}, column {e['column']}: {word}",
        }
    return grid


@register.filter
def events_url(submission: Submission) -> str:
    """Where the page hears at once that the submission is graded ("" when push is off)."""
    return events.events_url(submission.pk)


@register.filter
def poll_delay(submission: Submission) -> int:
    """How long the page waits before asking again about a pending submission (ms)."""
    return poll_delay_ms(submission.created_at)


@register.simple_tag
def safety_delay() -> int:
    """How long a listen for the verdict may stay silent, neither ended nor failed, before the
    page gives it up and asks (ms)."""
    return SAFETY_DELAY_MS


@register.simple_tag
def check_delay() -> int:
    """How long the page listens for the verdict before it asks anyway (ms)."""
    return CHECK_DELAY_MS


@register.inclusion_tag("courseware/_answer.html")
def typeset_answer(submission: Submission) -> dict[str, Any]:
    """A recorded answer read back as the learner wrote it (see courseware.answer_display)."""
    attempt = submission.attempt
    definition = definition_of(attempt)
    return {"parts": shown_answer(definition, attempt.params, attempt.seed, submission.answer)}
