from django import template
from django.utils.safestring import mark_safe

from courseware.answer_display import shown_answer
from courseware.grading import events
from courseware.grading.intake import poll_delay_ms
from courseware.plots import chart_svg
from courseware.rendering import render_markdown
from courseware.variants import definition_of

register = template.Library()


@register.filter
def markdown(text: str) -> str:
    """Sanitised Markdown with math (see courseware.rendering)."""
    return mark_safe(render_markdown(str(text)))  # noqa: S308 - render_markdown sanitises


@register.filter
def chart(figure: dict) -> str:
    """A figure from a feedback item (grader.figures data) as inline SVG."""
    return mark_safe(chart_svg(figure))  # noqa: S308 - chart_svg escapes every text and number


@register.filter
def entry_grid(feedback: list) -> list[list[dict]]:
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
def events_url(submission) -> str:
    """Where the page hears at once that the submission is graded ("" when push is off)."""
    return events.events_url(submission.pk)


@register.filter
def poll_delay(submission) -> int:
    """How long the page waits before asking again about a pending submission (ms)."""
    return poll_delay_ms(submission.created_at)


@register.inclusion_tag("courseware/_answer.html")
def typeset_answer(submission) -> dict:
    """A recorded answer read back as the learner wrote it (see courseware.answer_display)."""
    attempt = submission.attempt
    definition = definition_of(attempt)
    return {"parts": shown_answer(definition, attempt.params, attempt.seed, submission.answer)}
