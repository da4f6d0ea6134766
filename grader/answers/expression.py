"""Expression answers: a formula in the question's variables, graded by real-function equivalence.

Part config: answer (authored text, trusted), variables, functions (e.g. [sigma]), form (list of
grader.forms.FORMS), form_credit (score when equivalent but not in form, default 0.5), tolerance
({rel, abs}, optional: decimals are exact without it), mistakes ([{answer, feedback, credit, rule}]).
Payload: {"value": "text"} or {"latex": "..."}.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from grader.equivalence import Equivalence, check_equivalent
from grader.forms import FORMS, MESSAGES, failed_forms
from grader.mathinput import MathInputError, Reading
from grader.mathinput import read as read_math
from grader.mathinput.vocabulary import OPTIONAL_FUNCTIONS
from grader.placeholders import fill
from grader.results import Feedback, GraderError, InvalidAnswer, PartResult, Verdict
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
    return errors


def tolerance_of(config: dict) -> dict | None:
    """How closely values must agree: `tolerance` ({rel, abs}) and `sigfigs`, the precision a
    prompt states ("to 4 significant figures": half a unit in the 4th figure of each value)."""
    tolerance, figures = config.get("tolerance"), config.get("sigfigs")
    if figures is None:
        return tolerance
    return {**(tolerance or {}), "sigfigs": figures}


def check_common(config: dict, where: str) -> list[str]:
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
    """Learner text read with the part's variables and declared functions (no trusted operators)."""
    config = part.config
    return read_math(
        text,
        config.get("variables", []),
        functions=config.get("functions", []),
        latex=latex,
    )


def authored(part: PartDef, text: str, params: dict[str, Any]):
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


def grade(part: PartDef, params: dict[str, Any], payload: dict[str, Any]) -> PartResult:
    """Correct if equivalent (and in the required form); else a mistake rule or a counterexample."""
    answer = read(part, payload)
    expected = authored(part, part.config["answer"], params)
    result = judge(part, params, answer, expected)
    if (
        result.verdict == Verdict.INCORRECT
        and result.rule is None
        and tolerance_of(part.config) is None
        and _DECIMAL.search(payload_text(payload))
        and _close(part, answer, expected)
    ):
        raise InvalidAnswer(DECIMALS_TEXT)  # a form problem: not counted as an attempt
    return result


def judge(part: PartDef, params: dict[str, Any], answer: Reading, expected: Reading) -> PartResult:
    """The verdict for one read answer against one expected reading (used by both kinds)."""
    config = part.config
    variables = config.get("variables", [])
    tolerance = tolerance_of(config)
    result = check_equivalent(
        answer, expected, variables, tolerance=tolerance, budget_s=CHECK_SECONDS
    )
    if result.equivalent:
        failed = failed_forms(answer, config.get("form", []))
        if not failed:
            return PartResult(Verdict.CORRECT, 1.0, [Feedback("message", "Correct.")])
        credit = float(config.get("form_credit", DEFAULT_FORM_CREDIT))
        items = [Feedback("message", MESSAGES[form], {"form": form}) for form in failed]
        return PartResult(Verdict.PARTIAL if credit > 0 else Verdict.INCORRECT, credit, items)
    matched = match_mistake(part, params, answer)
    if matched is not None:
        return matched
    if result.equivalent is None:
        return PartResult(Verdict.NEEDS_REVIEW, 0.0, [Feedback("message", REVIEW_TEXT)])
    return PartResult(Verdict.INCORRECT, 0.0, incorrect_feedback(result))


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


def match_mistake(part: PartDef, params: dict[str, Any], answer: Reading) -> PartResult | None:
    """The first anticipated mistake the answer is equivalent to, with its feedback and credit."""
    config = part.config
    for mistake in config.get("mistakes", []):
        if not applies(mistake, params):
            continue
        wrong = authored(part, mistake["answer"], params)
        found = check_equivalent(
            answer,
            wrong,
            config.get("variables", []),
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
    verdict = Verdict.PARTIAL if credit > 0 else Verdict.INCORRECT
    rule = mistake.get("rule")
    item = Feedback(
        "mistake", fill(str(mistake["feedback"]), params), {"rule": rule} if rule else {}
    )
    return PartResult(verdict, credit, [item], rule=rule)


def incorrect_feedback(result: Equivalence) -> list[Feedback]:
    """ "Not correct." and, when there is one, the counterexample point."""
    items = [Feedback("message", "Not correct.")]
    text = result.describe()
    if text:
        items.append(Feedback("counterexample", text, result.as_data()))
    return items
