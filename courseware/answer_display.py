"""A recorded answer as the learner wrote it, read back by its part's answer kind: expressions and
matrices as mathematics, code as code, choices by their text, a Sandpit game as a small picture of
its probes.

Only the learner's own answer is shown; nothing here reveals which option or value is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from courseware.answer_forms import VariantPage
from grader.answers import answer_kind
from grader.spec import ExerciseDef


@dataclass(frozen=True)
class Shown:
    """One part of an answer: `kind` is math, text, code, choice or probes; `content` is HTML-safe
    except for math (LaTeX, typeset in the page) and code (escaped by the template)."""

    label: str
    kind: str
    content: str


def shown_answer(
    definition: ExerciseDef, params: dict[str, Any], seed: int, answer: object
) -> list[Shown]:
    """Each part of a recorded answer, typeset; a part that cannot be read is shown as typed."""
    payloads = answer.get("parts") if isinstance(answer, dict) and "parts" in answer else None
    many = len(definition.parts) > 1
    page = VariantPage(definition, params, seed)
    shown = []
    for part in definition.parts:
        payload = payloads.get(part.name) if isinstance(payloads, dict) else answer
        if not isinstance(payload, dict) or not payload:
            continue
        label = part.name.replace("_", " ") if many else ""
        shown.append(Shown(label, *answer_kind(part.kind).shown(part, payload, page)))
    return shown
