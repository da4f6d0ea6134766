"""Form checks an exercise can require of an answer that is already equivalent.

expanded, factored, simplified (no further cancellation), no_derivatives, numeric. They read the
answer as written (the literal tree), since SymPy's evaluation would expand 2(x+1) on its own.
SymPy's expand/factor/gcd run in a time-bounded child; a check that runs out of time passes.
"""

from __future__ import annotations

import sympy

from grader.equivalence.symbolic import run_bounded
from grader.mathinput import Reading
from grader.mathinput.limits import evaluate_tree

FORMS = ("expanded", "factored", "simplified", "no_derivatives", "numeric")

MESSAGES = {
    "expanded": "Your answer is right, but expand it: multiply out every bracket.",
    "factored": "Your answer is right, but factorise it fully.",
    "simplified": "Your answer is right, but simplify it: a common factor still cancels.",
    "no_derivatives": "Your answer is right, but carry out the derivatives instead of leaving them.",
    "numeric": "Your answer should be a number, without variables.",
}
_SECONDS = 0.15


def failed_forms(reading: Reading, forms: list[str]) -> list[str]:
    """The required forms that the answer is not in, in the order the exercise lists them."""
    return [form for form in forms if not _in_form(reading, form)]


def _in_form(reading: Reading, form: str) -> bool:
    value = reading.value
    if form == "numeric":
        return not value.free_symbols
    if form == "no_derivatives":
        return not value.has(sympy.Derivative, sympy.Integral, sympy.Subs)
    check = {"expanded": _expanded, "factored": _factored, "simplified": _simplified}[form]
    return run_bounded(check, reading.literal, value, seconds=_SECONDS) is not False


def _expanded(literal: sympy.Basic, value: sympy.Basic) -> bool:
    options = {"power_exp": False, "power_base": False, "log": False, "mul": True}
    return bool(sympy.expand(value, **options) == value)


def _factored(literal: sympy.Basic, value: sympy.Basic) -> bool:
    """Each bracket of the product as written no longer factors (a lone sum must not factor)."""
    factors = literal.args if isinstance(literal, sympy.Mul) else (literal,)
    for factor in factors:
        base = factor.base if isinstance(factor, sympy.Pow) else factor
        if isinstance(base, sympy.Add):
            evaluated = evaluate_tree(base)
            if isinstance(evaluated, sympy.Add) and sympy.factor(evaluated) != evaluated:
                return False
    return True


def _simplified(literal: sympy.Basic, value: sympy.Basic) -> bool:
    numerator, denominator = sympy.fraction(sympy.together(value))
    if denominator.is_Number:
        return True
    return not sympy.gcd(numerator, denominator).free_symbols
