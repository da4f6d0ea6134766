"""Expression answers: a formula in the question's variables, graded by real-function equivalence.

Part config: answer (authored text, trusted), variables, functions (e.g. [sigma], [max, min]),
form (list of grader.form_checks.FORMS), form_credit (score when equivalent but not in form, default
0.5), tolerance ({rel, abs}, optional: decimals are exact without it), mistakes ([{answer,
feedback, credit, rule}]), relations ({x: "t^2 + 3"}: dependent variables), follow_through
({from: [earlier parts], answer}: marked against the learner's own earlier answers), euler (set by
the loader: e is Euler's number in the answers, so `4e+2` is ambiguous).
Payload: {"value": "text"} or {"latex": "..."}.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from grader.answers import AnswerKind, Form, Page, Payload, Preview, answer_kind
from grader.equivalence import Equivalence, check_equivalent, locate_difference
from grader.equivalence.localise import Location
from grader.form_checks import FORMS, MESSAGES, failed_forms
from grader.mathinput import MathInputError, Reading, preview, to_latex
from grader.mathinput import read as read_math
from grader.mathinput.printing import as_text
from grader.mathinput.vocabulary import OPTIONAL_FUNCTIONS, symbol
from grader.placeholders import fill
from grader.results import (
    FULL_MARKS,
    Feedback,
    GraderError,
    InvalidAnswer,
    PartResult,
    Verdict,
    has_full_marks,
)
from grader.spec import PartDef

DEFAULT_FORM_CREDIT = 0.5
CHECK_SECONDS = 0.25
_NAME = re.compile(r"^[A-Za-z][A-Za-z]*(?:_[A-Za-z0-9]+)?$")

REVIEW_TEXT = (
    "Your answer could not be checked automatically in time; it is awaiting review by the "
    "course staff and has not been marked wrong."
)


def check_config(part: PartDef) -> list[str]:
    """Authoring errors in an expression part's configuration."""
    config, where = part.config, f"parts.{part.name}"
    errors = []
    if not isinstance(config.get("answer"), str):
        errors.append(f"{where}.answer: required, as text")
    errors += check_common(config, where)
    relations = config.get("relations", {})
    if not isinstance(relations, dict) or not all(
        isinstance(name, str) and _NAME.match(name) and isinstance(text, str)
        for name, text in relations.items()
    ):
        errors.append(f"{where}.relations: a mapping of dependent variable to text, e.g. x: t^2")
    return errors + check_follow_through(config, where)


def check_follow_through(config: dict[str, Any], where: str) -> list[str]:
    """The shape of a part's `follow_through` ({from: [earlier parts], answer: text})."""
    carried = config.get("follow_through")
    if carried is not None and not (
        isinstance(carried, dict)
        and set(carried) == {"from", "answer"}
        and isinstance(carried["answer"], str)
        and isinstance(carried["from"], list)
        and carried["from"]
        and all(isinstance(name, str) for name in carried["from"])
    ):
        return [f"{where}.follow_through: {{from: [earlier parts], answer: text}}"]
    return []


def tolerance_of(config: dict[str, Any]) -> dict[str, Any] | None:
    """How closely values must agree: `tolerance` ({rel, abs}) and `sigfigs`, the precision a
    prompt states ("to 4 significant figures": half a unit in the 4th figure of each value)."""
    tolerance, figures = config.get("tolerance"), config.get("sigfigs")
    if figures is None:
        return tolerance
    return {**(tolerance or {}), "sigfigs": figures}


def check_common(config: dict[str, Any], where: str) -> list[str]:
    """Checks shared by the expression and matrix kinds: variables, functions, form, mistakes."""
    errors = []
    variables = config.get("variables", [])
    if not isinstance(variables, list) or not all(
        isinstance(name, str) and _NAME.match(name) for name in variables
    ):
        errors.append(f"{where}.variables: a list of names such as [x, y, x_1, alpha]")
    functions = config.get("functions", [])
    if not isinstance(functions, list) or set(functions) - OPTIONAL_FUNCTIONS.keys():
        errors.append(f"{where}.functions: only {sorted(OPTIONAL_FUNCTIONS)}")
    form = config.get("form", [])
    if not isinstance(form, list) or set(form) - set(FORMS):
        errors.append(f"{where}.form: a list of {', '.join(FORMS)}")
    tolerance = config.get("tolerance")
    if tolerance is not None and (
        not isinstance(tolerance, dict)
        or set(tolerance) - {"rel", "abs"}
        or not all(isinstance(v, (int, float)) and v >= 0 for v in tolerance.values())
    ):
        errors.append(f"{where}.tolerance: expected {{rel: ..., abs: ...}} with numbers >= 0")
    figures = config.get("sigfigs")
    if figures is not None and (not isinstance(figures, int) or not 1 <= figures <= 15):
        errors.append(f"{where}.sigfigs: a whole number from 1 to 15")
    credit = config.get("form_credit", DEFAULT_FORM_CREDIT)
    if not isinstance(credit, (int, float)) or not 0 <= credit <= 1:
        errors.append(f"{where}.form_credit: a number from 0 to 1")
    mistakes = config.get("mistakes", [])
    if not isinstance(mistakes, list):
        return [*errors, f"{where}.mistakes: a list"]
    for index, mistake in enumerate(mistakes):
        if not isinstance(mistake, dict) or "answer" not in mistake or "feedback" not in mistake:
            errors.append(f"{where}.mistakes[{index}]: needs answer and feedback")
            continue
        credit = mistake.get("credit", 0)
        if not isinstance(credit, (int, float)) or not 0 <= credit <= 1:
            errors.append(f"{where}.mistakes[{index}].credit: a number from 0 to 1")
    return errors


def read(part: PartDef, payload: dict[str, Any]) -> Reading:
    """The learner's expression; InvalidAnswer (a located MathInputError) when it cannot be read."""
    return read_text(
        part, payload_text(payload), latex="latex" in payload and "value" not in payload
    )


def payload_text(payload: Any) -> str:
    """The text of an expression payload, {"value": ...} or {"latex": ...}; InvalidAnswer if none."""
    if not isinstance(payload, dict):
        raise InvalidAnswer('Send {"value": "your expression"}.')
    text = payload.get("value", payload.get("latex"))
    if not isinstance(text, str):
        raise InvalidAnswer("Enter an expression.")
    if not text.strip():
        raise InvalidAnswer("Enter an expression.")
    return text


def read_text(part: PartDef, text: str, *, latex: bool = False) -> Reading:
    """Learner text read with the part's settings (no trusted operators)."""
    return read_math(text, latex=latex, **reader_settings(part.config))


def reader_settings(config: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """How learner text is read in a part, for grading and for the live preview alike: the
    variables (with the dependent ones of `relations`), declared functions, and whether `e` is
    Euler's number in its answers (then `4e+2` is refused as ambiguous). `params`: the exercise's
    parameter specifications, for a part stored before the loader set `euler`."""
    variables = list(config.get("variables", []))
    variables += [name for name in config.get("relations", {}) if name not in variables]
    return {
        "variables": variables,
        "functions": config.get("functions", []),
        "euler": bool(config.get("euler", uses_euler(config, params))),
    }


_EULER = re.compile(r"(?<![A-Za-z_])(?:e|exp)(?![A-Za-z_0-9])")


def uses_euler(config: dict[str, Any], params: dict[str, Any] | None = None) -> bool:
    """Whether Euler's number can appear in the part's answer: `e` or `exp` in its authored
    answers, relations or the exercise's parameter specifications (which the answers may use)."""
    texts = [config.get("answer"), config.get("relations"), config.get("follow_through"), params]
    return any(_EULER.search(text) for text in _strings(texts))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def authored(part: PartDef, text: str, params: dict[str, Any]) -> Reading:
    """An authored expression (answer or mistake) read with the trusted operators; our fault if not.

    A variant's authored expressions are the same for every answer to it, so readings are kept
    (a Reading is immutable: its lazily evaluated value is the same whoever asks first).
    """
    config = part.config
    variables = tuple(config.get("variables", []))
    functions = tuple(config.get("functions", []))
    try:
        try:
            key = json.dumps(params, sort_keys=True)
        except TypeError:  # parameters that are not plain data: read without keeping
            return read_math(str(text), variables, params=params, functions=functions, trusted=True)
        return _authored_reading(str(text), variables, key, functions)
    except MathInputError as error:
        raise GraderError(
            f"part {part.name}: cannot read authored `{text}`: {error.message}"
        ) from None


@functools.lru_cache(maxsize=4096)
def _authored_reading(
    text: str, variables: tuple[str, ...], params_json: str, functions: tuple[str, ...]
) -> Reading:
    params = json.loads(params_json)
    return read_math(text, variables, params=params, functions=functions, trusted=True)


def grade(
    part: PartDef,
    params: dict[str, Any],
    payload: dict[str, Any],
    earlier: dict[str, Earlier] | None = None,
) -> PartResult:
    """Correct if equivalent (and in the required form); else a mistake rule or a counterexample."""
    answer = read(part, payload)
    expected = authored(part, part.config["answer"], params)
    result = judge(part, params, answer, expected, earlier=earlier)
    if (
        result.verdict == Verdict.INCORRECT
        and result.rule is None
        and tolerance_of(part.config) is None
        and _DECIMAL.search(payload_text(payload))
        and _close(part, answer, expected)
    ):
        raise InvalidAnswer(DECIMALS_TEXT)  # a form problem: not counted as an attempt
    return result


def judge(
    part: PartDef,
    params: dict[str, Any],
    answer: Reading,
    expected: Reading,
    *,
    earlier: dict[str, Earlier] | None = None,
) -> PartResult:
    """The verdict for one read answer against one expected reading (used by both kinds).

    With `relations`, an answer that keeps dependent variables (x for x(t)) is compared once they
    are substituted; with `follow_through`, a wrong answer that is right for the learner's own
    earlier answers is credited.
    """
    config = part.config
    tolerance = tolerance_of(config)
    answer, expected, variables, rewritten = with_relations(part, params, answer, expected)
    result = check_equivalent(
        answer, expected, variables, tolerance=tolerance, budget_s=CHECK_SECONDS
    )
    if result.equivalent:
        failed = failed_forms(answer, config.get("form", []))
        note = [Feedback("message", rewritten)] if rewritten else []
        if not failed:
            return PartResult(Verdict.CORRECT, FULL_MARKS, [Feedback("message", "Correct."), *note])
        credit = float(config.get("form_credit", DEFAULT_FORM_CREDIT))
        items = [Feedback("message", MESSAGES[form], {"form": form}) for form in failed]
        return PartResult(Verdict.for_score(credit), credit, items)
    matched = match_mistake(part, params, answer, variables)
    if matched is not None:
        return matched
    carried = follow_through(part, params, answer, variables, earlier or {})
    if carried is not None:
        return carried
    if result.equivalent is None:
        return PartResult(Verdict.NEEDS_REVIEW, 0.0, [Feedback("message", REVIEW_TEXT)])
    location = locate_difference(answer, expected, variables, tolerance=tolerance)
    return PartResult(Verdict.INCORRECT, 0.0, incorrect_feedback(result, location))


def with_relations(
    part: PartDef, params: dict[str, Any], answer: Reading, expected: Reading
) -> tuple[Reading, Reading, list[str], str | None]:
    """(answer, expected, variables, note): with the part's `relations` (x = t^2 + 3, ...)
    substituted, so both are functions of the independent variables alone; the note ("Written in
    terms of t, this is ...") when the answer used a dependent variable."""
    config = part.config
    variables = list(config.get("variables", []))
    relations = config.get("relations") or {}
    if not relations:
        return answer, expected, variables, None
    values = {
        symbol(name): authored(part, text, params).literal for name, text in relations.items()
    }
    independent = [name for name in variables if name not in relations]
    for value in values.values():
        independent += [str(s) for s in value.free_symbols if str(s) not in independent]
    substituted_expected = Reading(expected.literal.xreplace(values))
    if not (answer.literal.free_symbols & values.keys()):
        return answer, substituted_expected, independent, None
    substituted = Reading(answer.literal.xreplace(values))
    try:
        shown = to_latex(substituted.value, as_written=False)
    except MathInputError:
        shown = to_latex(substituted.literal)
    terms = ", ".join(independent)
    return (
        substituted,
        substituted_expected,
        independent,
        f"Written in terms of {terms}, this is ${shown}$.",
    )


@dataclass(frozen=True)
class Earlier:
    """A part graded before this one: its definition, the learner's payload and its result."""

    part: PartDef
    payload: dict[str, Any]
    result: PartResult


def follow_through(
    part: PartDef,
    params: dict[str, Any],
    answer: Reading,
    variables: list[str],
    earlier: dict[str, Earlier],
) -> PartResult | None:
    """Full credit, "correct for your ...", when the answer is right for the learner's own wrong
    earlier answers: `follow_through: {from: [parts], answer: text using those parts' names}`."""

    def right_for(own: dict[str, Any]) -> bool:
        expected = authored(part, part.config["follow_through"]["answer"], own)
        found = check_equivalent(
            answer,
            expected,
            variables,
            tolerance=tolerance_of(part.config),
            budget_s=CHECK_SECONDS,
        )
        return bool(found.equivalent)

    return carried_forward(part, params, earlier, right_for)


def carried_forward(
    part: PartDef,
    params: dict[str, Any],
    earlier: dict[str, Earlier],
    right_for: Callable[[dict[str, Any]], bool],
) -> PartResult | None:
    """The follow-through rule for any part kind: when an earlier part it builds on was answered
    wrongly and the answer is `right_for` the parameters with the learner's own earlier answers
    in them (each by its part's name, `-` written `_`), full credit saying so; else None."""
    carried = part.config.get("follow_through")
    if not carried:
        return None
    if any(name not in earlier for name in carried["from"]):
        return None
    sources = [earlier[name] for name in carried["from"]]
    wrong = [source for source in sources if not has_full_marks(source.result.score)]
    if not wrong:
        return None
    try:
        own = dict(params)
        for source in sources:
            own.update(own_values(source))
        if not right_for(own):
            return None
    except (InvalidAnswer, MathInputError, ArithmeticError, ValueError, TypeError):
        return None
    names = " and ".join(_label(source.part) for source in wrong)
    text = (
        f"Correct for your {names}: this part is marked with your earlier answer carried forward."
    )
    return PartResult(
        Verdict.CORRECT, FULL_MARKS, [Feedback("message", text, {"follow_through": True})]
    )


def own_values(source: Earlier) -> dict[str, Any]:
    """The learner's answer to an earlier part as parameters, by its kind's `carried` (an
    expression or a number by the part's name, a matrix entry by entry; a `-` is written `_`)."""
    carried = answer_kind(source.part.kind).carried
    if carried is None:
        raise InvalidAnswer(f"part {source.part.name} cannot be carried forward")
    return carried(source.part, source.payload)


def carried_name(part: PartDef) -> str:
    """The parameter name a later part's follow-through gives this part's answer."""
    return part.name.replace("-", "_")


def _label(part: PartDef) -> str:
    label = str(part.config.get("label") or "")
    return label if label else f"answer to {part.name}"


DECIMALS_TEXT = (
    "Your decimals agree with the answer to about 4 significant figures, but this part asks for "
    "exact values: write fractions and exact constants (such as 1/24, log(4), sqrt(2) or e) "
    "instead of rounded decimals."
)
DECIMAL_AGREEMENT = {"rel": 1e-4, "abs": 1e-9}
_DECIMAL = re.compile(r"\d\.\d|(?<![\w.])\.\d")


def _close(part: PartDef, answer: Reading, expected: Reading) -> bool:
    """Whether a wrong answer agrees with the exact one to about 4 significant figures."""
    close = check_equivalent(
        answer,
        expected,
        part.config.get("variables", []),
        tolerance=DECIMAL_AGREEMENT,
        budget_s=CHECK_SECONDS,
    )
    return bool(close.equivalent)


def match_mistake(
    part: PartDef, params: dict[str, Any], answer: Reading, variables: list[str] | None = None
) -> PartResult | None:
    """The first anticipated mistake the answer is equivalent to, with its feedback and credit."""
    config = part.config
    for mistake in config.get("mistakes", []):
        if not applies(mistake, params):
            continue
        wrong = authored(part, mistake["answer"], params)
        if config.get("relations"):
            wrong = with_relations(part, params, wrong, wrong)[1]
        found = check_equivalent(
            answer,
            wrong,
            config.get("variables", []) if variables is None else variables,
            tolerance=tolerance_of(config),
            budget_s=CHECK_SECONDS,
        )
        if found.equivalent:
            return mistake_result(mistake, params)
    return None


def applies(mistake: dict[str, Any], params: dict[str, Any]) -> bool:
    """Whether an anticipated mistake belongs to this variant: its `when` condition holds (a
    signed area is a mistake only where the determinant is negative)."""
    from grader.mathinput import parse_condition

    condition = mistake.get("when")
    return condition is None or parse_condition(str(condition), params)


def mistake_result(mistake: dict[str, Any], params: dict[str, Any]) -> PartResult:
    """The verdict for an answer that matched an anticipated mistake: its feedback, credit and rule."""
    credit = float(mistake.get("credit", 0))
    verdict = Verdict.for_score(credit)
    rule = mistake.get("rule")
    item = Feedback(
        "mistake", fill(str(mistake["feedback"]), params), {"rule": rule} if rule else {}
    )
    return PartResult(verdict, credit, [item], rule=rule)


def incorrect_feedback(result: Equivalence, location: Location | None = None) -> list[Feedback]:
    """ "Not correct.", where the answer goes wrong when that is certain, and the counterexample."""
    items = [Feedback("message", "Not correct.")]
    if location is not None:
        text = f"{location.message}\n\n$${location.highlight}$$"
        data = {"message": location.message, "highlight": location.highlight}
        items.append(Feedback("location", text, data))
    text = result.describe()
    if text:
        items.append(Feedback("counterexample", text, result.as_data()))
    return items


def authored_mistakes(
    part: PartDef,
    params: dict[str, Any],
    payload_of: Callable[[PartDef, Any, dict[str, Any]], Payload],
    *,
    skip_undefined: bool = False,
) -> list[tuple[str, Payload]]:
    """(rule or feedback, payload) for each authored mistake that applies to this variant, as a
    learner would send it (`skip_undefined`: leave out a mistake this variant cannot compute)."""
    found = []
    for mistake in part.config.get("mistakes", []):
        if not applies(mistake, params):
            continue
        try:
            payload = payload_of(part, mistake["answer"], params)
        except (ArithmeticError, ValueError, TypeError):
            if skip_undefined:
                continue
            raise
        found.append((mistake.get("rule") or mistake["feedback"], payload))
    return found


def authored_preview(
    part: PartDef, params: dict[str, Any], shown: Callable[[Any], str], math: bool
) -> Preview:
    """The authored answer and mistakes of a part, each `shown` as staff read it."""
    mistakes = []
    for mistake in part.config.get("mistakes", []):
        try:
            answer = shown(mistake["answer"])
        except (ArithmeticError, ValueError, TypeError):
            answer = "(undefined for this variant)"
        feedback = fill(str(mistake["feedback"]), params)
        mistakes.append({"answer": answer, "feedback": feedback, "rule": mistake.get("rule", "")})
    return Preview(shown(part.config["answer"]), math, mistakes)


def typeset(part: PartDef, text: str, latex: bool = False) -> str | None:
    """A learner's text as LaTeX, read with the part's settings; None when it cannot be read."""
    config = part.config
    variables, functions = config.get("variables", []), config.get("functions", [])
    return _typeset_text(text, tuple(variables), tuple(functions), latex)


@lru_cache(maxsize=4096)
def _typeset_text(
    text: str, variables: tuple[str, ...], functions: tuple[str, ...], latex: bool
) -> str | None:
    """Remembered: a learner's history shows the same answers again with every verdict (up to 50
    rows, about 2 ms each to read and print)."""
    try:
        return preview(text, list(variables), latex_input=latex, functions=list(functions))
    except (MathInputError, RecursionError, ValueError):
        return None


def variables_widget(part: PartDef) -> dict[str, Any]:
    """What the page says of a math part: the variables it may use."""
    return {"variables": ", ".join(part.config.get("variables", []))}


def _read_form(part: PartDef, field: str, form: Form, page: Page) -> Payload:
    text = form.get(field, "") or ""
    return {"latex": text} if form.get(f"{field}-format") == "latex" else {"value": text}


def _shown(part: PartDef, payload: Payload, page: Page) -> tuple[str, str]:
    latex = "latex" in payload
    text = str(payload.get("latex") if latex else payload.get("value"))
    typeset_text = typeset(part, text, latex)
    return ("math", typeset_text) if typeset_text is not None else ("text", html.escape(text))


def _value(part: PartDef, answer: Any, params: dict[str, Any]) -> Any:
    return authored(part, answer, params).value


def _written(part: PartDef, value: Any) -> Payload:
    return {"value": as_text(value)}


def _payload(part: PartDef, answer: Any, params: dict[str, Any]) -> Payload:
    return _written(part, _value(part, answer, params))


def math_preview(
    part: PartDef, params: dict[str, Any], value_of: Callable[[PartDef, Any, dict[str, Any]], Any]
) -> Preview:
    """The staff preview of a part written in math: each authored answer's value, as LaTeX."""
    return authored_preview(
        part,
        params,
        lambda answer: to_latex(value_of(part, answer, params), as_written=False),
        math=True,
    )


def _preview(part: PartDef, params: dict[str, Any]) -> Preview:
    return math_preview(part, params, _value)


KIND = AnswerKind(
    name="expression",
    payload_keys=("value", "latex"),
    size_limit=2048,
    math=True,
    follows_through=True,
    check_config=check_config,
    read=read,
    grade=grade,
    read_form=_read_form,
    widget=lambda part, field, page: variables_widget(part),
    shown=_shown,
    reference=lambda part, params: _payload(part, part.config["answer"], params),
    mistakes=lambda part, params: authored_mistakes(part, params, _payload),
    preview=_preview,
    value=_value,
    written=_written,
    carried=lambda part, payload: {carried_name(part): read(part, payload).literal},
)
