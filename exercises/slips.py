"""Common slips the validator plants on its own, to check that no mistake rule misnames them.

A rule may only fire on the mistake it names. Each anticipated mistake is planted from the
exercise itself; these slips come from the reference answer instead: the sign of one term
flipped, one factor of a term dropped, 1/k! omitted from a series, a matrix transposed, one entry's
sign flipped, a vector's two components swapped, a number's sign flipped. When a rule fires on
such a slip, the slip must be what the rule is about: the mistake lists it under `slips`
(`slips: [factor-dropped]`), or the variant lets two different mistakes give one answer and is
redrawn. Built-in rules name their own slip (`transposed`); `hessian-not-symmetric` is true of any
slip that breaks a Hessian's symmetry.
"""

from __future__ import annotations

import math
from typing import Any

import sympy

from exercises.degenerate import reference_value
from grader.answers import answer_kind
from grader.equivalence import check_equivalent
from grader.mathinput.printing import as_text
from grader.results import InvalidAnswer
from grader.spec import ExerciseDef, PartDef

SLIP_KINDS = (
    "sign-of-one-term",
    "factor-dropped",
    "factorial-omitted",
    "transposed",
    "entry-sign",
    "components-swapped",
    "negated",
)
BUILT_IN = {
    "transposed": {"transposed"},
    "hessian-not-symmetric": {"entry-sign", "factor-dropped", "sign-of-one-term"},
}
MAX_SLIPS_PER_PART = 8


def common_slips(part: PartDef, params: dict[str, Any]) -> list[tuple[str, Any]]:
    """(kind, wrong value) for the common slips of this part's reference in this variant."""
    value = reference_value(part, params)
    if value is None:
        return []
    if isinstance(value, sympy.MatrixBase):
        slips = _matrix_slips(value, part)
    elif not answer_kind(part.kind).math:  # a number: only its sign can slip
        slips = [("negated", -value)] if value != 0 else []
    else:
        slips = _expression_slips(value, part.config.get("variables", []))
    distinct, seen = [], set()
    for kind, slip in slips:
        key = sympy.srepr(slip)
        if key not in seen and not _same(slip, value):
            seen.add(key)
            distinct.append((kind, slip))
    return distinct[:MAX_SLIPS_PER_PART]


def _same(first: Any, second: Any) -> bool:
    """Is the slip the reference itself, as the grading engine decides equivalence?"""
    if isinstance(first, sympy.MatrixBase) or isinstance(second, sympy.MatrixBase):
        return getattr(first, "shape", None) == getattr(second, "shape", None) and all(
            _same(a, b) for a, b in zip(first, second, strict=True)
        )
    symbols = getattr(first, "free_symbols", set()) | getattr(second, "free_symbols", set())
    return check_equivalent(first, second, symbols).equivalent is True


def _expression_slips(value: Any, variables: list[str]) -> list[tuple[str, Any]]:
    slips = _factorial_omitted(value, variables)
    terms = sympy.Add.make_args(value)
    if len(terms) > 1:
        slips += [("sign-of-one-term", value - 2 * term) for term in terms]
    for term in terms:
        factors = sympy.Mul.make_args(term)
        if len(factors) < 2:
            continue
        for factor in factors:
            if factor in (-1, 1):
                continue
            kept = term / factor if not factor.is_Number else term / abs(factor)
            if not factor.is_Number and kept.is_Number:
                continue  # 2t - 2 written out: dropping t leaves a constant no one would write
            slips.append(("factor-dropped", value - term + kept))
    return slips


def _factorial_omitted(value: Any, variables: list[str]) -> list[tuple[str, Any]]:
    """A polynomial of degree >= 2 in one variable (a Taylor polynomial about 0): c_k k! x^k."""
    if len(variables) != 1:
        return []
    x = next((s for s in value.free_symbols if str(s) == variables[0]), None)
    if x is None or not value.is_polynomial(x):
        return []
    poly = sympy.Poly(value, x)
    if poly.degree() < 2:
        return []
    terms = [coeff * math.factorial(k) * x**k for (k,), coeff in poly.terms()]
    return [("factorial-omitted", sympy.Add(*terms))]


def _matrix_slips(value: sympy.MatrixBase, part: PartDef) -> list[tuple[str, Any]]:
    slips = []
    rows, columns = value.shape
    vector = rows == 1 or columns == 1
    if not vector and value != value.T:
        slips.append(("transposed", value.T))
    for index in range(len(value)):
        if value[index] != 0:
            flipped = value.copy()
            flipped[index] = -flipped[index]
            slips.append(("entry-sign", flipped))
    if vector and len(value) >= 2 and value[0] != value[1]:
        swapped = value.copy()
        swapped[0], swapped[1] = value[1], value[0]
        slips.append(("components-swapped", swapped))
    return slips


def misnamed_slips(definition: ExerciseDef, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(where, reason) for each common slip that a rule names although it is not that rule's slip
    (in parts whose kind is graded against an authored value)."""
    problems = []
    for part in definition.parts:
        kind = answer_kind(part.kind)
        if kind.written is None:
            continue
        declared = {
            mistake.get("rule"): set(mistake.get("slips", []))
            for mistake in part.config.get("mistakes", [])
            if mistake.get("rule")
        }
        for slip_kind, slip in common_slips(part, params):
            try:
                result = kind.grade(part, params, kind.written(part, slip))
            except InvalidAnswer:
                continue
            if result.score >= 1.0:
                continue
            rules = {result.rule} | {item.data.get("rule") for item in result.feedback}
            for rule in sorted(rule for rule in rules if rule):
                named = declared.get(rule, set()) | BUILT_IN.get(rule, set())
                if slip_kind not in named:
                    reason = (
                        f"the common slip {slip_kind!r} ({_shown(slip)}) is named {rule!r}: list "
                        f"{slip_kind!r} under that mistake's `slips` if it is what the rule names, "
                        "else redraw the variant"
                    )
                    problems.append((f"parts.{part.name}", reason))
    return problems


def _shown(slip: Any) -> str:
    if isinstance(slip, sympy.MatrixBase):
        return "[" + ", ".join(as_text(cell) for cell in slip) + "]"
    return as_text(slip)
