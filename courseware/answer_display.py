"""A recorded answer as the learner wrote it, read back: expressions and matrices as mathematics,
code as code, choices by their text, a Sandpit game as a small picture of its probes.

Only the learner's own answer is shown; nothing here reveals which option or value is right.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.html import escape

from courseware.answer_forms import letter
from courseware.option_tokens import shown_options
from courseware.rendering import render_markdown
from grader.mathinput import MathInputError, preview
from grader.sandpit.landscape import SIZE
from grader.spec import ExerciseDef, PartDef

PICTURE_PIXELS = 64


@dataclass(frozen=True)
class Shown:
    """One part of an answer: `kind` is math, text, code, choice or probes; `content` is HTML-safe
    except for math (LaTeX, typeset in the page) and code (escaped by the template)."""

    label: str
    kind: str
    content: str


def shown_answer(definition: ExerciseDef, params: dict[str, Any], seed: int, answer) -> list[Shown]:
    """Each part of a recorded answer, typeset; a part that cannot be read is shown as typed."""
    payloads = answer.get("parts") if isinstance(answer, dict) and "parts" in answer else None
    many = len(definition.parts) > 1
    shown = []
    for part in definition.parts:
        payload = payloads.get(part.name) if isinstance(payloads, dict) else answer
        if not isinstance(payload, dict) or not payload:
            continue
        label = part.name.replace("_", " ") if many else ""
        shown.append(Shown(label, *_typeset(part, params, seed, payload)))
    return shown


def _typeset(part: PartDef, params: dict[str, Any], seed: int, payload: dict) -> tuple[str, str]:
    kind = part.kind
    if kind == "expression":
        text = payload.get("latex") if "latex" in payload else payload.get("value")
        return _math(part, str(text), latex="latex" in payload)
    if kind == "matrix" and isinstance(payload.get("matrix"), list):
        return _matrix(part, payload["matrix"])
    if kind == "code":
        return "code", str(payload.get("code", ""))
    if kind == "choice":
        return "choice", _choices(part, params, seed, payload.get("choices"))
    if kind == "interactive" and isinstance(payload.get("probes"), list):
        return "probes", _probes_picture(payload["probes"])
    return "text", escape(str(payload.get("value", "")))


def _latex_of(part: PartDef, text: str, latex: bool = False) -> str | None:
    config = part.config
    variables, functions = config.get("variables", []), config.get("functions", [])
    return _typeset_text(text, tuple(variables), tuple(functions), latex)


@lru_cache(maxsize=4096)
def _typeset_text(
    text: str, variables: tuple[str, ...], functions: tuple[str, ...], latex: bool
) -> str | None:
    """The LaTeX of an answer's text, or None if it cannot be read. Remembered: a learner's
    history shows the same answers again with every verdict (up to 50 rows, ~2 ms each)."""
    try:
        return preview(text, variables, latex_input=latex, functions=functions)
    except (MathInputError, RecursionError, ValueError):
        return None


def _math(part: PartDef, text: str, latex: bool = False) -> tuple[str, str]:
    typeset = _latex_of(part, text, latex)
    return ("math", typeset) if typeset is not None else ("text", escape(text))


def _matrix(part: PartDef, rows: list) -> tuple[str, str]:
    if rows and all(isinstance(item, str) for item in rows):
        rows = [[item] for item in rows]
    cells = []
    for row in rows:
        if not isinstance(row, list):
            return "text", escape(str(rows))
        typeset = [_latex_of(part, str(cell)) for cell in row]
        if any(cell is None for cell in typeset):
            return "text", escape(str(rows))
        cells.append(" & ".join(typeset))
    return "math", r"\begin{pmatrix}" + r" \\ ".join(cells) + r"\end{pmatrix}"


def _choices(part: PartDef, params: dict[str, Any], seed: int, chosen) -> str:
    chosen = [chosen] if isinstance(chosen, str) else chosen if isinstance(chosen, list) else []
    letters = {option["id"]: letter(i) for i, option in enumerate(shown_options(part, seed))}
    texts = []
    for option in part.config.get("options", []):
        if option.get("id") not in chosen:
            continue
        text = render_markdown(option.get("text", ""), params) if option.get("text") else ""
        shown_as = letters.get(option["id"], "")
        texts.append(f"{shown_as}. {text}" if text else f"Graph {shown_as}")
    return "; ".join(texts) or "(no option)"


def _probes_picture(probes: list) -> str:
    """The pit as a small square with the probes joined in order, the last one marked."""
    scale = PICTURE_PIXELS / SIZE
    points = [
        (round(x * scale, 1), round((SIZE - y) * scale, 1))
        for x, y in (p for p in probes if isinstance(p, list) and len(p) == 2)
        if isinstance(x, (int, float)) and isinstance(y, (int, float))
    ]
    path = " ".join(f"{x},{y}" for x, y in points)
    last = (
        f'<circle cx="{points[-1][0]}" cy="{points[-1][1]}" r="3" class="last-probe"/>'
        if points
        else ""
    )
    return (
        f'<svg class="probes-picture" viewBox="0 0 {PICTURE_PIXELS} {PICTURE_PIXELS}" '
        f'width="{PICTURE_PIXELS}" height="{PICTURE_PIXELS}" role="img" '
        f'aria-label="{len(points)} probe{"" if len(points) == 1 else "s"} in the sandpit">'
        f'<rect width="{PICTURE_PIXELS}" height="{PICTURE_PIXELS}" class="pit"/>'
        f'<polyline points="{path}" class="probe-path"/>{last}</svg>'
    )
