"""Where a wrong answer goes wrong: the smallest differing part of the two canonical trees.

Both expressions are compared as SymPy evaluates them (sums as terms, products as factors). A
candidate is a part of the learner's answer and what a correct answer has in its place: a term
with the wrong sign, a term that is off, missing or extra, the factor multiplying the common
factors of a term, a function's argument, an exponent. A candidate is reported only when it is
certain: the answer with that one part replaced is equivalent to the expected answer (checked by
the engine), so the message never blames a part that is right.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import sympy

from grader.equivalence import clock
from grader.mathinput.errors import MathInputError
from grader.mathinput.limits import evaluate_tree
from grader.mathinput.printing import to_latex, to_text

_ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth")
_MAX_TERMS = 12  # larger sums are not localised (too many pairings to be sure quickly)
_HIGHLIGHT = sympy.Symbol("HIGHLIGHTED")
# The whole answer with one part replaced by the given expression.
Rebuild = Callable[[sympy.Basic], sympy.Basic]


@dataclass(frozen=True)
class Location:
    """The message in the learner's terms and the answer's LaTeX with the wrong part marked."""

    message: str
    highlight: str


@dataclass(frozen=True)
class _Candidate:
    message: str
    replaced: sympy.Basic  # the whole answer with the wrong part corrected
    shown: sympy.Basic  # the whole answer with the wrong part as _HIGHLIGHT
    part: sympy.Basic  # the learner's wrong part, highlighted


def locate(
    answer: sympy.Basic,
    expected: sympy.Basic,
    literal: sympy.Basic,
    same: Callable[[sympy.Basic, sympy.Basic], bool],
    deadline: float,
) -> Location | None:
    """The certain location of the difference between `answer` and `expected` (evaluated trees),
    or None. `literal` is the answer as written (for "the second term"); `same(a, b)` is the
    equivalence check that makes a candidate certain; nothing is tried after `deadline`."""
    for candidate in _candidates(answer, expected, literal):
        if clock.cpu_seconds() > deadline:
            return None
        if candidate.replaced == answer:
            continue
        try:
            certain = same(candidate.replaced, expected)
        except (MathInputError, ValueError, TypeError):
            certain = False
        if certain:
            return Location(candidate.message, _highlighted(candidate))
    return None


def _candidates(
    answer: sympy.Basic, expected: sympy.Basic, literal: sympy.Basic
) -> Iterator[_Candidate]:
    """Candidates from the smallest part to the largest."""
    if (answer.is_Add and expected.is_Add) or answer.is_Add != expected.is_Add:
        yield from _term_candidates(answer, expected, literal)
    elif answer.is_Mul or expected.is_Mul:
        yield from _factor_candidates(answer, expected, answer, lambda new: new, "")
    yield from _inner_candidates(answer, expected, lambda new: new, "")


def _terms(expr: sympy.Basic) -> list[sympy.Basic]:
    return list(expr.args) if expr.is_Add else [expr]


def _term_candidates(
    answer: sympy.Basic, expected: sympy.Basic, literal: sympy.Basic
) -> Iterator[_Candidate]:
    ours, theirs = _terms(answer), _terms(expected)
    if max(len(ours), len(theirs)) > _MAX_TERMS:
        return
    extra = [term for term in ours if term not in theirs]
    missing = [term for term in theirs if term not in ours]
    if len(extra) == 1 and len(missing) == 1:
        wrong, right = extra[0], missing[0]
        name = _term_name(wrong, literal)

        def rebuilt(new: sympy.Basic, wrong: sympy.Basic = wrong) -> sympy.Basic:
            return sympy.Add(*[new if term == wrong else term for term in ours])

        if wrong == -right:
            yield _Candidate(
                f"{_capital(name)} has the wrong sign.", rebuilt(right), rebuilt(_HIGHLIGHT), wrong
            )
        yield from _factor_candidates(wrong, right, wrong, rebuilt, f" in {name}")
        yield from _inner_candidates(wrong, right, rebuilt, f" in {name}")
        yield _Candidate(
            f"{_capital(name)} is off: you have `{to_text(wrong)}`, a correct answer has "
            f"`{to_text(right)}`.",
            rebuilt(right),
            rebuilt(_HIGHLIGHT),
            wrong,
        )
    elif len(extra) == 1 and not missing:
        wrong = extra[0]
        rest = [term for term in ours if term != wrong]
        yield _Candidate(
            f"{_capital(_term_name(wrong, literal))} should not be there.",
            sympy.Add(*rest),
            sympy.Add(*rest, _HIGHLIGHT),
            wrong,
        )
    elif len(missing) == 1 and not extra:
        right = missing[0]
        yield _Candidate(
            f"A term is missing: a correct answer also has `{to_text(right)}`.",
            sympy.Add(*ours, right),
            answer,
            sympy.S.Zero,
        )


def _factor_candidates(
    wrong: sympy.Basic, right: sympy.Basic, whole: sympy.Basic, rebuilt: Rebuild, where: str
) -> Iterator[_Candidate]:
    """The factor multiplying what two products share: 2x cos(x) against 2 cos(x)."""
    ours, theirs = _factors(wrong), _factors(right)
    common = [factor for factor in ours if factor in theirs and not factor.is_Number]
    if not common:
        if wrong == -right and where == "":
            yield _Candidate("The sign is wrong.", rebuilt(right), rebuilt(_HIGHLIGHT), wrong)
        return
    only_ours = [factor for factor in ours if factor not in theirs]
    only_theirs = [factor for factor in theirs if factor not in ours]
    if len(only_ours) == 1 and len(only_theirs) == 1:
        differing = only_ours[0]

        def deeper(new: sympy.Basic, differing: sympy.Basic = differing) -> sympy.Basic:
            return rebuilt(sympy.Mul(*[new if factor == differing else factor for factor in ours]))

        yield from _inner_candidates(differing, only_theirs[0], deeper, where)
    shared = sympy.Mul(*common)
    have, want = wrong / shared, right / shared  # the shared factors cancel as SymPy multiplies
    if have == want:
        return
    if have == -want:
        message = f"The sign{where} is wrong."
    else:
        message = (
            f"The factor multiplying `{to_text(shared)}`{where} is off: you have "
            f"`{to_text(have)}`, a correct answer has `{to_text(want)}`."
        )
    shown = sympy.Mul(_HIGHLIGHT, shared, evaluate=False)
    yield _Candidate(message, rebuilt(want * shared), rebuilt(shown), have)


def _inner_candidates(
    wrong: sympy.Basic, right: sympy.Basic, rebuilt: Rebuild, where: str
) -> Iterator[_Candidate]:
    """Inside the same function or power: the argument of sin, the exponent of x."""
    if wrong.func != right.func or len(wrong.args) != len(right.args) or not wrong.args:
        return
    if wrong.is_Pow:
        base, exponent = wrong.args
        if exponent == right.exp and base != right.base:
            what = (
                "The denominator"
                if exponent == -1
                else f"The base of the power `^{to_text(exponent)}`"
            )
            yield _Candidate(
                f"{what}{where} is off: you have `{to_text(base)}`, a correct answer has "
                f"`{to_text(right.base)}`.",
                rebuilt(sympy.Pow(right.base, exponent)),
                rebuilt(sympy.Pow(_HIGHLIGHT, exponent, evaluate=False)),
                base,
            )
        if base == right.base and exponent != right.exp:
            yield _Candidate(
                f"The exponent of `{to_text(base)}`{where} is off: you have `{to_text(exponent)}`, "
                f"a correct answer has `{to_text(right.exp)}`.",
                rebuilt(sympy.Pow(base, right.exp)),
                rebuilt(sympy.Pow(base, _HIGHLIGHT, evaluate=False)),
                exponent,
            )
        return
    if isinstance(wrong, sympy.Function) and len(wrong.args) == 1:
        inner, correct = wrong.args[0], right.args[0]
        if inner == correct:
            return
        name = to_text(wrong.func(sympy.Symbol("u"))).split("(")[0]
        yield _Candidate(
            f"The argument of `{name}`{where} is off: you have `{to_text(inner)}`, a correct "
            f"answer has `{to_text(correct)}`.",
            rebuilt(wrong.func(correct)),
            rebuilt(wrong.func(_HIGHLIGHT, evaluate=False)),
            inner,
        )


def _factors(expr: sympy.Basic) -> list[sympy.Basic]:
    return list(expr.args) if expr.is_Mul else [expr]


def _term_name(term: sympy.Basic, literal: sympy.Basic) -> str:
    """ "the second term" (its place as written) when the learner wrote a sum, else "the term …"."""
    if isinstance(literal, sympy.Add):
        for index, written in enumerate(literal.args):
            try:
                if evaluate_tree(written) == term and index < len(_ORDINALS):
                    return f"the {_ORDINALS[index]} term"
            except MathInputError:
                break
    return f"the term `{to_text(term)}`"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _highlighted(candidate: _Candidate) -> str:
    """The answer's LaTeX with the wrong part in colour and underlined."""
    return to_latex(candidate.shown, as_written=False, marked=(_HIGHLIGHT, candidate.part))
