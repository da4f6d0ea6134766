"""Multiple-choice answers: single or multi-select, with partial credit for multi-select.

An option is {id, text, correct, feedback?, rule?}; `correct` is true/false or a condition on the
parameters (`a > 0`), so which option is right can depend on the variant.
"""

from __future__ import annotations

import random
from typing import Any

from grader.answers import AnswerKind, Form, Page, Payload, Preview
from grader.placeholders import fill
from grader.results import (
    FULL_MARKS,
    Feedback,
    InvalidAnswer,
    PartResult,
    Verdict,
    has_full_marks,
    literal,
)
from grader.spec import PartDef


def check_config(part: PartDef) -> list[str]:
    prefix = f"parts.{part.name}"
    options = part.config.get("options")
    if not isinstance(options, list) or len(options) < 2:
        return [f"{prefix}.options: at least two options are needed"]
    errors = []
    ids = [option.get("id") for option in options if isinstance(option, dict)]
    if len(ids) != len(options) or not all(isinstance(i, str) and i for i in ids):
        errors.append(f"{prefix}.options: every option needs an id and text")
    elif len(set(ids)) != len(ids):
        errors.append(f"{prefix}.options: option ids must be unique")
    for index, option in enumerate(options):
        if isinstance(option, dict) and not isinstance(option.get("correct", False), (bool, str)):
            errors.append(f"{prefix}.options[{index}].correct: true, false or a condition")
    return errors


def is_correct(option: dict[str, Any], params: dict[str, Any]) -> bool:
    correct = option.get("correct", False)
    if isinstance(correct, str):
        from grader.mathinput import parse_condition

        return parse_condition(correct, params)
    return bool(correct)


def read(part: PartDef, payload: dict[str, Any]) -> list[str]:
    choices = payload.get("choices")
    if isinstance(choices, str):
        choices = [choices]
    if not isinstance(choices, list) or not all(isinstance(c, str) for c in choices):
        raise InvalidAnswer('Send the chosen option ids as a list: {"choices": ["a"]}.')
    if not choices:
        raise InvalidAnswer("Choose an option.")
    known = {option["id"] for option in part.config["options"]}
    unknown = [c for c in choices if c not in known]
    if unknown:
        raise InvalidAnswer(
            f"Unknown option {literal(unknown[0])}; the options are {', '.join(sorted(known))}."
        )
    if len(set(choices)) != len(choices):
        raise InvalidAnswer("An option was chosen twice.")
    if not part.config.get("multiple", False) and len(choices) > 1:
        raise InvalidAnswer("Choose exactly one option.")
    return choices


def grade(part: PartDef, params: dict[str, Any], payload: dict[str, Any]) -> PartResult:
    chosen = set(read(part, payload))
    options = part.config["options"]
    right = set(right_options(part, params))
    feedback = [
        Feedback("mistake", fill(option["feedback"], params), {"option": option["id"]})
        for option in options
        if option["id"] in chosen and option["id"] not in right and option.get("feedback")
    ]
    rules = [
        option.get("rule", option["id"])
        for option in options
        if option["id"] in chosen and option["id"] not in right
    ]
    if part.config.get("multiple", False):
        hits = len(chosen & right)
        false_alarms = len(chosen - right)
        score = max(0.0, (hits - false_alarms) / len(right)) if right else float(not chosen)
        if not has_full_marks(score) and not feedback:
            missed = len(right - chosen)
            parts = []
            if false_alarms:
                parts.append(
                    f"{false_alarms} of your choices {'is' if false_alarms == 1 else 'are'} wrong"
                )
            if missed:
                parts.append(f"{missed} correct option{'s' if missed > 1 else ''} not chosen")
            feedback.append(Feedback("message", "; ".join(parts).capitalize() + "."))
    else:
        score = FULL_MARKS if chosen <= right else 0.0
    if has_full_marks(score):
        return PartResult(Verdict.CORRECT, FULL_MARKS, [Feedback("message", "Correct.")])
    if not feedback:
        feedback.append(Feedback("message", "Not correct."))
    return PartResult(Verdict.for_score(score), score, feedback, rule=rules[0] if rules else None)


def shown_options(part: PartDef, seed: int) -> list[dict[str, Any]]:
    """The part's options in the order the variant shows them (shuffled unless `shuffle: false`)."""
    options = list(part.config["options"])
    if part.config.get("shuffle", True):
        random.Random(f"{seed}:{part.name}").shuffle(options)
    return options


def letter(index: int) -> str:
    """The letter the page gives the option at `index` in the variant's order: A, B, …"""
    return chr(ord("A") + index)


def _read_form(part: PartDef, field: str, form: Form, page: Page) -> Payload:
    """The chosen options come as the attempt's tokens and leave as option ids."""
    return {"choices": page.option_ids(part, form.getlist(field))}


def _widget(part: PartDef, field: str, page: Page) -> dict[str, Any]:
    """Each option under its token for the attempt, lettered in the variant's order, as text or
    as a graph."""
    options = []
    for index, option in enumerate(shown_options(part, page.seed)):
        plot = option.get("plot")
        options.append(
            {
                "token": page.option_token(part, option["id"]),
                "letter": letter(index),
                "html": page.markdown(option.get("text", "")),
                "plot": page.graph(plot, f"Graph {letter(index)}") if plot else "",
            }
        )
    return {"multiple": bool(part.config.get("multiple")), "options": options}


def _shown(part: PartDef, payload: Payload, page: Page) -> tuple[str, str]:
    """The chosen options by their letters and texts (a graph by its letter alone)."""
    chosen = payload.get("choices")
    chosen = [chosen] if isinstance(chosen, str) else chosen if isinstance(chosen, list) else []
    letters = {option["id"]: letter(i) for i, option in enumerate(shown_options(part, page.seed))}
    texts = []
    for option in part.config.get("options", []):
        if option.get("id") not in chosen:
            continue
        text = page.markdown(option["text"]) if option.get("text") else ""
        shown_as = letters.get(option["id"], "")
        texts.append(f"{shown_as}. {text}" if text else f"Graph {shown_as}")
    return "choice", "; ".join(texts) or "(no option)"


def right_options(part: PartDef, params: dict[str, Any]) -> list[str]:
    return [option["id"] for option in part.config["options"] if is_correct(option, params)]


def _mistakes(part: PartDef, params: dict[str, Any]) -> list[tuple[str, Payload]]:
    """Each wrong option that has feedback, chosen alone."""
    return [
        (option.get("rule", option["id"]), {"choices": [option["id"]]})
        for option in part.config["options"]
        if option.get("feedback") and not is_correct(option, params)
    ]


def _preview(part: PartDef, params: dict[str, Any]) -> Preview:
    right = right_options(part, params)
    mistakes = [
        {
            "answer": option["id"],
            "feedback": fill(option.get("feedback", ""), params),
            "rule": option.get("rule", option["id"]),
        }
        for option in part.config["options"]
        if option["id"] not in right and option.get("feedback")
    ]
    return Preview(", ".join(right), False, mistakes)


KIND = AnswerKind(
    name="choice",
    payload_keys=("choices",),
    size_limit=2048,
    math=False,
    check_config=check_config,
    read=read,
    grade=grade,
    read_form=_read_form,
    widget=_widget,
    shown=_shown,
    reference=lambda part, params: {"choices": right_options(part, params)},
    mistakes=_mistakes,
    preview=_preview,
)
