"""Number answers: exact reading of decimals, fractions and scientific notation; tolerances and
significant figures; anticipated mistakes."""

from __future__ import annotations

import functools
import html
import json
import math
import re
from fractions import Fraction
from typing import Any

import sympy

from grader.answers import AnswerKind, Form, Page, Payload, Preview
from grader.answers.expression import (
    Earlier,
    applies,
    authored_mistakes,
    authored_preview,
    carried_forward,
    carried_name,
    check_follow_through,
)
from grader.equivalence.realvalues import (
    NotNumeric,
    Overflow,
    Undefined,
    Unsettled,
    settled_value,
)
from grader.params import plain_params_key
from grader.placeholders import fill
from grader.results import FULL_MARKS, Feedback, InvalidAnswer, PartResult, Verdict, literal
from grader.spec import PartDef

DEFAULT_RELATIVE = 1e-4
DEFAULT_ABSOLUTE = 1e-9
_DECIMAL = r"(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_NUMBER = re.compile(
    rf"^(?P<sign>[+-]?)\s*(?P<num>{_DECIMAL})(?:\s*/\s*(?P<den>[+-]?{_DECIMAL}))?$"
)
_NON_FINITE = re.compile(r"^[+-]?(nan|inf|infinity|∞)$", re.IGNORECASE)
MAX_EXPONENT = 400  # never build 10**huge: 1e999999999 is read as beyond any answer, not computed
_EXPONENT = re.compile(r"[eE]([+-]?\d+)")
_HINT = "Enter a number such as 0.75, 3/4, -1.2e-3 or sqrt(2)/2."


# A space inside a number only groups digits in threes (1 000 000) or sets off its exponent
# (2.5 × 10^3, 1.5 e3); any other is left for the reader, so `3 1/2` is never read as 31/2.
_SPACE = "[ \u00a0\u2009\u202f]"
_DIGIT_GROUP = re.compile(rf"(?<=\d){_SPACE}(?=\d{{3}}(?!\d))")
_FRACTION_GROUPS = re.compile(rf"\.\d{{3}}(?:{_SPACE}\d{{3}})*(?:{_SPACE}\d{{1,2}})?(?!\d)")
_TIMES_TEN = re.compile(r"\s*×\s*10\s*\^\s*")
_EXPONENT_MARK = re.compile(r"(?<=[\d.])\s*([eE])\s*(?=[+-]?\d)")
_MIXED_NUMBER = re.compile(r"^[+-]?(\d+)\s+(\d+)\s*/\s*(\d+)$")
_COMMAS = re.compile(r"^[+-]?\d+(?:,\d+)+(?:\.\d*)?$")


def normalise(text: str) -> str:
    text = text.strip().replace("−", "-").replace("–", "-")
    text = _FRACTION_GROUPS.sub(lambda group: re.sub(_SPACE, "", group[0]), text)
    text = _TIMES_TEN.sub("e", _DIGIT_GROUP.sub("", text))
    return _EXPONENT_MARK.sub(r"\1", text)


def parse_number(text: str) -> tuple[float, int | None]:
    """The learner's number and its count of significant figures (None when not written as a decimal).

    Decimals and fractions are read exactly; anything else goes through the safe math parser
    (so `sqrt(2)/2` and `pi/4` are numbers too).
    """
    cleaned = normalise(text)
    if not cleaned:
        raise InvalidAnswer("Enter a number.")
    if _NON_FINITE.match(cleaned):
        raise InvalidAnswer(f"{literal(text.strip())} is not a finite number. {_HINT}")
    match = _NUMBER.match(cleaned)
    if match and any(abs(e) > MAX_EXPONENT for e in _exponents(cleaned)):
        return _beyond_floats(match), None
    if match:
        numerator = Fraction(match.group("num"))
        if match.group("den") is not None:
            denominator = Fraction(match.group("den"))
            if denominator == 0:
                raise InvalidAnswer("Division by zero: the denominator is 0.")
            value = numerator / denominator
            figures = None
        else:
            value = numerator
            figures = significant_figures(match.group("num"))
        value = -value if match.group("sign") == "-" else value
        try:
            return float(value), figures
        except OverflowError:  # beyond floats: far from any answer, graded wrong
            return (math.inf if value > 0 else -math.inf), None
    _refuse_a_mixed_number(cleaned, text)
    if _COMMAS.match(cleaned):
        raise InvalidAnswer(
            f"{literal(text.strip())} has a comma, which could be a decimal point or separate "
            "thousands: write a decimal with a point (0.5) and thousands without a separator or "
            "with spaces (1000 or 1 000)."
        )
    return _parse_expression_number(text), None


def _refuse_a_mixed_number(cleaned: str, text: str) -> None:
    """`3 1/2` is refused with the fraction and the decimal it stands for."""
    mixed = _MIXED_NUMBER.match(cleaned)
    if not mixed or not int(mixed.group(3)):
        return
    whole, top, bottom = (int(part) for part in mixed.groups())
    improper = Fraction(whole * bottom + top, bottom)
    sign = "-" if cleaned.startswith("-") else ""
    raise InvalidAnswer(
        f"{literal(text.strip())} looks like a mixed number: write it as one fraction or a "
        f"decimal, such as {sign}{improper.numerator}/{improper.denominator} or "
        f"{sign}{float(improper):g}."
    )


def _parse_expression_number(text: str) -> float:
    from grader.mathinput import MathInputError, parse

    shown = literal(text.strip())
    try:
        expr = parse(text)
    except MathInputError as error:
        raise InvalidAnswer(
            f"{shown} is not a number: {error.message} {_HINT}", column=error.column
        ) from None
    if expr.free_symbols:
        names = ", ".join(sorted(str(s) for s in expr.free_symbols))
        raise InvalidAnswer(f"{shown} is not a number (it contains {names}). {_HINT}")
    try:
        value = float(settled_value(expr))
    except (Undefined, NotNumeric):
        raise InvalidAnswer(f"{shown} is not a real number. {_HINT}") from None
    except Overflow:
        value = math.inf
    except Unsettled:
        raise InvalidAnswer(
            f"{shown} cannot be computed precisely enough to compare: enter its value as a decimal."
        ) from None
    if not math.isfinite(value):
        raise InvalidAnswer(f"{shown} is too large to compare. {_HINT}")
    return value


def _beyond_floats(match: re.Match[str]) -> float:
    """A written number with a huge decimal exponent, never computed: 1e999 is infinitely far from
    any answer (so it is graded wrong, not refused) and 1e-999 is zero to within any tolerance."""
    sign = -1.0 if match.group("sign") == "-" else 1.0
    numerator, denominator = match.group("num"), match.group("den") or "1"
    if not any(digit in "123456789" for digit in numerator.lower().split("e")[0]):
        return 0.0
    if not any(digit in "123456789" for digit in denominator.lower().split("e")[0]):
        raise InvalidAnswer("Division by zero: the denominator is 0.")
    size = _magnitude(numerator) - _magnitude(denominator)
    if denominator.startswith("-"):
        sign = -sign
    return math.copysign(math.inf if size > 0 else 0.0, sign)


def _magnitude(decimal_text: str) -> int:
    """The decimal exponent of a written number's leading digit (1230 is 4, 0.05e3 is 2)."""
    mantissa, _, exponent = decimal_text.lower().lstrip("+-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    whole = whole.lstrip("0")
    leading = len(whole) if whole else len(fraction.lstrip("0")) - len(fraction)
    return leading + (int(exponent) if exponent else 0)


def _exponents(text: str) -> list[int]:
    return [int(e) if len(e) < 8 else 10**8 for e in _EXPONENT.findall(text)]


def significant_figures(decimal_text: str) -> int:
    """Significant figures of a decimal as written: 0.00120 has 3, 1200 has 2, 1.200e3 has 4."""
    mantissa = decimal_text.lower().split("e")[0]
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")
    return max(len(digits), 1)


def check_config(part: PartDef) -> list[str]:
    errors = []
    if "answer" not in part.config:
        errors.append(f"parts.{part.name}.answer: required")
    tolerance = part.config.get("tolerance", {})
    if not isinstance(tolerance, dict) or set(tolerance) - {"rel", "abs"}:
        errors.append(f"parts.{part.name}.tolerance: expected {{rel: ..., abs: ...}}")
    sigfigs = part.config.get("sigfigs")
    if sigfigs is not None and (not isinstance(sigfigs, int) or not 1 <= sigfigs <= 15):
        errors.append(f"parts.{part.name}.sigfigs: a whole number from 1 to 15")
    errors += check_follow_through(part.config, f"parts.{part.name}")
    for index, mistake in enumerate(part.config.get("mistakes", [])):
        if not isinstance(mistake, dict) or "answer" not in mistake or "feedback" not in mistake:
            errors.append(f"parts.{part.name}.mistakes[{index}]: needs answer and feedback")
    return errors


def read(part: PartDef, payload: dict[str, Any]) -> tuple[float, int | None]:
    value = payload.get("value")
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise InvalidAnswer("Enter a number.")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            raise InvalidAnswer(f"{literal(str(value))} is not a finite number. {_HINT}")
        return float(value), None
    return parse_number(value)


def expected_value(text: str, params: dict[str, Any]) -> float:
    """An authored numeric answer (an expression of the parameters), evaluated exactly, as a float;
    once per variant and process (every grading of a variant reads its answer and mistakes)."""
    key = plain_params_key(params)
    if key is None:
        return _evaluated(str(text), params)
    return _expected_value(str(text), key)


@functools.lru_cache(maxsize=4096)
def _expected_value(text: str, key: str) -> float:
    return _evaluated(text, json.loads(key))


def _evaluated(text: str, params: dict[str, Any]) -> float:
    from grader.mathinput import evaluate_number

    return float(evaluate_number(text, params))


def _close(value: float, target: float, rel: float, abs_: float) -> bool:
    return abs(value - target) <= max(abs_, rel * abs(target))


def _sigfig_tolerance(target: float, figures: int) -> float:
    if target == 0:
        return 0.0
    exponent = math.floor(math.log10(abs(target)))
    return float(0.5 * 10 ** (exponent - figures + 1) * (1 + 1e-9))


def grade(
    part: PartDef,
    params: dict[str, Any],
    payload: dict[str, Any],
    earlier: dict[str, Earlier] | None = None,
) -> PartResult:
    """Correct within the tolerance or stated precision; else an anticipated mistake, a result
    carried forward from the learner's own earlier answers (`follow_through`), or not correct."""
    value, figures = read(part, payload)
    config = part.config
    target = expected_value(config["answer"], params)
    tolerance = config.get("tolerance", {})
    rel = float(tolerance.get("rel", DEFAULT_RELATIVE))
    abs_ = float(tolerance.get("abs", DEFAULT_ABSOLUTE))
    required = config.get("sigfigs")

    fewer_figures = None
    if required:
        if abs(value - target) <= max(_sigfig_tolerance(target, required), abs_):
            return PartResult(Verdict.CORRECT, FULL_MARKS, [Feedback("message", "Correct.")])
        if (
            figures is not None
            and figures < required
            and abs(value - target) <= _sigfig_tolerance(target, figures)
        ):
            text = (
                f"Your answer agrees with the expected value to {figures} significant "
                f"figure{'s' if figures > 1 else ''}; give it to {required}."
            )
            fewer_figures = PartResult(Verdict.INCORRECT, 0.0, [Feedback("message", text)])
    elif _close(value, target, rel, abs_):
        return PartResult(Verdict.CORRECT, FULL_MARKS, [Feedback("message", "Correct.")])

    for mistake in config.get("mistakes", []):
        if not applies(mistake, params):
            continue
        try:
            anticipated = expected_value(mistake["answer"], params)
        except (ArithmeticError, ValueError, TypeError):
            continue  # the mistake is undefined for this variant (a division by zero, say)
        near = _sigfig_tolerance(anticipated, required) if required else 0.0
        if _close(value, anticipated, rel, max(abs_, near)):
            credit = float(mistake.get("credit", 0))
            item = Feedback("mistake", fill(mistake["feedback"], params))
            return PartResult(Verdict.for_score(credit), credit, [item], rule=mistake.get("rule"))

    def right_for(own: dict[str, Any]) -> bool:
        carried = expected_value(config["follow_through"]["answer"], own)
        near = _sigfig_tolerance(carried, required) if required else 0.0
        return _close(value, carried, rel, max(abs_, near))

    forward = carried_forward(part, params, earlier or {}, right_for)
    if forward is not None:
        return forward
    if math.isinf(value):
        text = "Not correct: your number is far too large to be the answer."
        return PartResult(Verdict.INCORRECT, 0.0, [Feedback("message", text)])
    # An anticipated mistake is named first: its few figures may agree with the answer's.
    return fewer_figures or PartResult(
        Verdict.INCORRECT, 0.0, [Feedback("message", "Not correct.")]
    )


def _read_form(part: PartDef, field: str, form: Form, page: Page) -> Payload:
    return {"value": form.get(field, "") or ""}


def _shown(part: PartDef, payload: Payload, page: Page) -> tuple[str, str]:
    return "text", html.escape(str(payload.get("value", "")))


def _value(part: PartDef, answer: Any, params: dict[str, Any]) -> sympy.Float:
    return sympy.Float(expected_value(answer, params))


def _written(part: PartDef, value: Any) -> Payload:
    return {"value": repr(float(value))}


def _payload(part: PartDef, answer: Any, params: dict[str, Any]) -> Payload:
    return _written(part, _value(part, answer, params))


def _preview(part: PartDef, params: dict[str, Any]) -> Preview:
    return authored_preview(
        part, params, lambda answer: f"{expected_value(answer, params):.10g}", math=False
    )


KIND = AnswerKind(
    name="number",
    payload_keys=("value",),
    size_limit=2048,
    math=False,
    follows_through=True,
    check_config=check_config,
    read=read,
    grade=grade,
    read_form=_read_form,
    widget=lambda part, field, page: {},
    shown=_shown,
    reference=lambda part, params: _payload(part, part.config["answer"], params),
    # A mistake undefined for this variant (a division by zero, say) is skipped, as in `grade`.
    mistakes=lambda part, params: authored_mistakes(part, params, _payload, skip_undefined=True),
    preview=_preview,
    value=_value,
    written=_written,
    carried=lambda part, payload: {carried_name(part): read(part, payload)[0]},
)
