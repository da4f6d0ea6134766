"""Answer kinds: one module per kind, each ending in its `KIND`, an `AnswerKind` description.

Everything the rest of Tangent knows about a kind is asked of `answer_kind(name)`: the payload's
keys and size limit, whether it is written in math text, and its functions

check_config(part) -> list[str]                  authoring errors in the part's configuration
read(part, payload) -> object                    the learner's payload, read; raises InvalidAnswer
grade(part, params, payload) -> PartResult       the verdict for one part
read_form(part, field, form, page) -> payload    the exercise page's form fields, as a payload
widget(part, field, page) -> dict                what the page's template `_part_<kind>.html` shows
shown(part, payload, page) -> (display, content) a recorded answer in the learner's history
reference(part, params) -> payload | None        a right answer, as a learner would send it
mistakes(part, params) -> [(rule, payload)]      the anticipated wrong answers, likewise
preview(part, params) -> Preview                 the reference and mistakes as staff read them

and, where the kind has them: `run_examples` (code), `value` (an authored answer as SymPy) and
`written` (a SymPy value as a payload), `carried` (an answer as parameters for a later part's
follow-through) and `follows_through` (whether the kind's own parts may be marked that way). The web layer lends a kind what needs Django (Markdown,
option tokens, graphs) through a `Page`. Adding a kind is one module here plus its widget template.
Kind modules are imported on first use: a web process that only reads numbers never loads SymPy's
matrix grading, and none loads the sandbox until it grades code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any, Protocol, overload

from grader.results import PartResult
from grader.spec import PartDef

Payload = dict[str, Any]


class Form(Protocol):
    """A submitted page form, by field name (Django's QueryDict is one)."""

    @overload
    def get(self, key: str, default: None = None) -> str | None: ...
    @overload
    def get(self, key: str, default: str) -> str: ...

    def getlist(self, key: str) -> list[str]: ...


class Page(Protocol):
    """What the page showing a variant lends a kind: its parameters and seed, and what only the
    web layer can do (safe Markdown, per-attempt option tokens, graphs drawn as SVG)."""

    params: dict[str, Any]
    seed: int

    def markdown(self, text: str) -> str: ...

    def option_token(self, part: PartDef, option_id: str) -> str: ...

    def option_ids(self, part: PartDef, tokens: list[str]) -> list[str]: ...

    def graph(self, expr: str, label: str) -> str: ...


@dataclass(frozen=True)
class Preview:
    """A part's reference answer and anticipated mistakes as staff read them (math is LaTeX)."""

    answer: str
    math: bool = False
    mistakes: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class AnswerKind:
    """One answer kind: its payload, its limits and every function that knows its rules."""

    name: str
    payload_keys: tuple[str, ...]  # the main key first: {"value": ...}, {"choices": [...]}, ...
    size_limit: int  # of a part's payload as sent (its repr), in characters
    math: bool  # written in math text (previewed, and carried forward entry by entry)
    check_config: Callable[[PartDef], list[str]]
    read: Callable[[PartDef, Payload], Any]
    grade: Callable[..., PartResult]  # (part, params, payload[, earlier])
    read_form: Callable[[PartDef, str, Form, Page], Payload]
    widget: Callable[[PartDef, str, Page], dict[str, Any]]
    shown: Callable[[PartDef, Payload, Page], tuple[str, str]]
    reference: Callable[[PartDef, dict[str, Any]], Payload | None]
    mistakes: Callable[[PartDef, dict[str, Any]], list[tuple[str, Payload]]]
    preview: Callable[[PartDef, dict[str, Any]], Preview]
    follows_through: bool = False  # may be marked with the learner's own earlier answers
    carried: Callable[[PartDef, Payload], dict[str, Any]] | None = None  # an answer as parameters
    run_examples: Callable[[PartDef, dict[str, Any], Payload], PartResult] | None = None
    value: Callable[[PartDef, Any, dict[str, Any]], Any] | None = None
    written: Callable[[PartDef, Any], Payload] | None = None

    @property
    def main_key(self) -> str:
        return self.payload_keys[0]


# The registry: each kind's module, imported on first use (it defines KIND).
REGISTRY: dict[str, str | AnswerKind] = {
    "number": "grader.answers.number",
    "choice": "grader.answers.choice",
    "expression": "grader.answers.expression",
    "matrix": "grader.answers.matrix",
    "code": "grader.answers.code",
    "interactive": "grader.answers.interactive",
}
KINDS = tuple(REGISTRY)


def answer_kind(name: str) -> AnswerKind:
    """The kind called `name`; ValueError for a kind the grader does not know."""
    try:
        entry = REGISTRY[name]
    except KeyError:
        raise ValueError(f"unknown answer kind {name!r}") from None
    if isinstance(entry, str):
        kind = import_module(entry).KIND
        if not isinstance(kind, AnswerKind) or kind.name != name:
            raise TypeError(f"{entry}.KIND does not describe the kind {name!r}")
        REGISTRY[name] = entry = kind
    return entry
