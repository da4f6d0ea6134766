r"""Results as edx-platform shows them under a problem.

edx-platform's CodeResponse takes `{"correct", "score", "msg"}`: `msg` must parse as XML (else
it falls back to an HTML parser), so each message is one well-formed element; the page's MathJax
reads `\(…\)` inline and `\[…\]` display math; code feedback keeps its alignment in `<pre>`.

`score` is the fraction of the exercise earned (0 to 1): capa records it as the points of the
response, which is the same thing for a response worth 1 point (capa's default). `correct` is
true only for full marks. An answer Tangent did not grade (unreadable, an exercise that is not
set up, a rule that refused it) is answered as XQueue answers its own failures, `correct: null`
and score 0, with the reason in a `capa_alert` box: capa has no "not graded" state for an
external grader's reply and marks any reply that is not correct as incorrect, so the message is
what tells the learner.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from django.template.loader import render_to_string

from courseware.models import Grading
from courseware.rendering import render_markdown
from grader.results import NOT_AN_ATTEMPT, Verdict

PREFORMATTED = {"test": "", "stdout": "Your output", "traceback": "Traceback"}
NOT_SHOWN = {"figure"}  # drawn on Tangent's own page only


@dataclass(frozen=True)
class Reply:
    """What goes back to XQueue for one submission."""

    correct: bool | None
    score: float
    msg: str

    def as_dict(self) -> dict[str, Any]:
        return {"correct": self.correct, "score": self.score, "msg": self.msg}


def verdict_label(verdict: str) -> str:
    """The verdict as the learner pages word it."""
    return render_to_string("courseware/_verdict.html", {"verdict": verdict}).strip()


def for_grading(grading: Grading) -> Reply:
    """The reply for a finished grading: graded, or not graded when it was not an attempt."""
    if grading.verdict in NOT_AN_ATTEMPT:
        return not_graded(verdict_label(grading.verdict), grading.feedback)
    score = grading.score
    headline = (
        f"<p><strong>{escape(verdict_label(grading.verdict))}</strong> · score {score:.0%}</p>"
    )
    return Reply(
        grading.verdict == Verdict.CORRECT,
        score,
        _element("tangent-feedback", headline + _feedback_list(grading.feedback)),
    )


def not_graded(reason: str, feedback: Sequence[dict[str, Any]] = ()) -> Reply:
    """A reply for an answer Tangent did not grade, with the reason in words (not HTML)."""
    headline = f"<p><strong>Not graded:</strong> {escape(reason)}</p>"
    return Reply(
        None, 0.0, _element("capa_alert tangent-feedback", headline + _feedback_list(feedback))
    )


def _feedback_list(feedback: Sequence[dict[str, Any]]) -> str:
    """Feedback items as a list; an item repeated word for word (the same hint for each failing
    test) is shown once."""
    seen: set[tuple[str, str]] = set()
    items = []
    for item in feedback:
        kind, text = str(item.get("type", "")), str(item.get("text", ""))
        data = item.get("data") or {}
        if kind in NOT_SHOWN or (kind, text) in seen:
            continue
        seen.add((kind, text))
        part = f"<strong>{escape(str(data['part']))}:</strong> " if data.get("part") else ""
        if kind in PREFORMATTED:
            title = f"<span>{PREFORMATTED[kind]}</span>" if PREFORMATTED[kind] else ""
            body = f"{title}<pre>{escape(text)}</pre>"
        else:
            body = render_markdown(text, math="mathjax")
        items.append(f"<li>{part}{body}</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def _element(css: str, inner: str) -> str:
    """One `<div>` holding `inner`, written as well-formed XML (void tags closed, no named
    entities), so that edx-platform's XML parse of the message succeeds."""
    writer = _XhtmlWriter()
    writer.feed(f'<div class="{css}">{inner}</div>')
    writer.close()
    return "".join(writer.out)


class _XhtmlWriter(HTMLParser):
    VOID = frozenset({"br", "hr", "img", "wbr", "col", "source", "track", "input"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], void: bool) -> str:
        attributes = "".join(f" {name}={quoteattr(value or '')}" for name, value in attrs)
        return f"<{tag}{attributes}{'/' if void else ''}>"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, tag in self.VOID))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self._tag(tag, attrs, True))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(xml_escape(data))
