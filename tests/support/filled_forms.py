"""Exercise forms filled as a learner's browser sends them, with wrong answers: each part's first
anticipated mistake where it has one."""

from __future__ import annotations

from courseware.answer_forms import field_name, part_widgets
from courseware.option_tokens import option_token
from exercises.validation import mistake_payloads
from grader.answers.choice import is_correct
from grader.answers.matrix import cell_field


def wrong_payload(part, params, anticipated: bool = True) -> dict | None:
    """An answer that is not right: an `anticipated` mistake if the part has one, else 0 (which
    meets the engine's counterexamples)."""
    for _, payload in mistake_payloads(part, params) if anticipated else ():
        return payload
    if part.kind == "choice":
        wrong = [o["id"] for o in part.config["options"] if not is_correct(o, params)]
        return {"choices": wrong[:1]} if wrong else None
    return {"value": "0"}


def form_for(attempt, definition, anticipated: bool) -> dict:
    """The exercise form filled with a wrong answer, as the page would send it."""
    data: dict = {"attempt": attempt.pk}
    widgets = {w["name"]: w for w in part_widgets(definition, attempt)}
    for part in definition.parts:
        payload = wrong_payload(part, attempt.params, anticipated)
        name = field_name(part)
        if part.kind == "choice":
            data[name] = [option_token(attempt.pk, part.name, c) for c in payload["choices"]]
        elif part.kind == "matrix":
            grid = widgets[part.name]["grid"]
            rows = [r if isinstance(r, list) else [r] for r in (payload or {}).get("matrix", [])]
            if [len(r) for r in rows] != [len(r) for r in grid]:  # a mistake of another shape
                rows = [["0"] * len(r) for r in grid]
            data[f"{name}-rows"], data[f"{name}-columns"] = len(grid), len(grid[0])
            for i, row in enumerate(rows):
                for j, cell in enumerate(row):
                    data[cell_field(name, i, j)] = cell
        else:
            data[name] = payload["value"]
    return data
