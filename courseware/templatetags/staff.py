"""Template helpers for the staff pages, and the navigation's Staff link and name."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

from django import template
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from courseware.accounts import display_name, shown_username
from courseware.staff.access import staffed_courses
from courseware.staff.gradebook import Cell

register = template.Library()


@register.simple_tag(takes_context=True)
def staff_link(context: template.Context) -> str:
    """The staff pages of the course on screen if the user is its staff, else of their first such course."""
    courses = staffed_courses(context["user"])  # the page shows the link to a signed-in user
    if not courses:
        return ""
    shown = context.get("course")
    course = next((c for c in courses if shown is not None and c.pk == shown.pk), courses[0])
    return reverse("staff:gradebook", kwargs={"course_slug": course.slug})


@register.filter
def person(user: User) -> str:
    """The name pages show for a user (courseware.accounts.display_name)."""
    return display_name(user)


@register.filter
def username_note(user: User) -> str:
    """The username shown beside a person's name, or "" (courseware.accounts.shown_username)."""
    return shown_username(user)


@register.filter
def percent(score: float | str | None) -> str:
    """0.8333 → "83%"; empty for no score."""
    if score is None or score == "":
        return ""
    return f"{float(score) * 100:.0f}%"


@register.simple_tag
def gradebook_cells(cells: list[Cell]) -> str:
    """A gradebook row's cells, as one tag (a page has thousands of cells): each the score,
    "pending" for attempts not graded yet, or a dash; then the attempts."""
    return mark_safe("".join(map(_gradebook_cell, cells)))  # noqa: S308 - numbers and fixed text


def _gradebook_cell(cell: Cell) -> str:
    if cell.score is not None:
        shown = percent(cell.score)
    elif cell.attempts:
        shown = "pending"
    else:
        shown = '<span class="help">—</span>'
    if not cell.attempts:
        return f'<td class="num">{shown}</td>'
    return f'<td class="num">{shown} <span class="help">· {cell.attempts:d} att.</span></td>'


@register.simple_tag(takes_context=True)
def sort_link(context: template.Context, key: str, label: str) -> str:
    """A gradebook heading: a link that sorts by `key` (the other way round if it already does),
    keeping the filter (context: sort, desc, q, below)."""
    sorted_by, descending = context["sort"] == key, context["desc"]
    again = "&desc=1" if sorted_by and not descending else ""
    href = f"?sort={quote(key)}{again}&q={quote(context['q'])}&below={quote(context['below'])}"
    if not sorted_by:
        return format_html('<a href="{}">{}</a>', href, label)
    order, arrow = ("descending", "▼") if descending else ("ascending", "▲")
    return format_html('<a href="{}" aria-sort="{}">{} {}</a>', href, order, label, arrow)


@register.filter
def thousands(number: int) -> str:
    """10000 → "10,000"."""
    return f"{number:,}"


@register.filter
def duration(delta: timedelta | None) -> str:
    """A timedelta in words a reader takes in at a glance: "45 s", "12 min", "3.5 h", "2.0 days"."""
    if delta is None:
        return "—"
    seconds = delta.total_seconds()
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    if seconds < 36 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


@register.filter
def share(value: float) -> str:
    """A 0–1 share as a percentage with one decimal."""
    return f"{float(value) * 100:.1f}%"


@register.filter
def answer_text(answer: Any) -> str:
    """A stored answer as a person reads it: the typed text, `part: text; …`, or its JSON."""
    if isinstance(answer, dict):
        for key in ("value", "latex", "code"):
            text = answer.get(key)
            if isinstance(text, str) and len(answer) == 1:
                return text
        if isinstance(answer.get("parts"), dict) and len(answer) == 1:
            return "; ".join(
                f"{name}: {answer_text(part)}" for name, part in answer["parts"].items()
            )
    return json.dumps(answer, ensure_ascii=False)
