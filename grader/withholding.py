"""Feedback never states another part's answer.

A counterexample tells the learner the expected value at a point. In an exercise whose parts
build on each other that value can be the answer of another part (f'(x) at the point the next
part asks about): such a value is withheld, and the learner is told only that theirs differs.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any

from grader.answers.number import expected_value
from grader.equivalence.verdicts import Equivalence
from grader.results import Feedback, PartResult
from grader.spec import ExerciseDef

CLOSE = 1e-2  # relative: a value this near an answer gives it away to the tolerance asked for


def withhold_answers(
    exercise: ExerciseDef, params: dict[str, Any], results: dict[str, PartResult]
) -> dict[str, PartResult]:
    """The results, with every expected value that is a number part's answer withheld."""
    answers = [
        expected_value(part.config["answer"], params)
        for part in exercise.parts
        if part.kind == "number"
    ]
    if not answers:
        return results
    return {
        name: replace(result, feedback=[_withheld(item, answers) for item in result.feedback])
        for name, result in results.items()
    }


def _withheld(item: Feedback, answers: list[float]) -> Feedback:
    expected = item.data.get("expected")
    if expected is None or not _is_an_answer(expected, answers):
        return item
    shown = Equivalence(False, "", item.data.get("point", {}), item.data.get("answer"), expected)
    hidden = replace(shown, expected_shown=False)
    data = {key: value for key, value in item.data.items() if key != "expected"}
    return Feedback(item.type, item.text.replace(shown.describe(), hidden.describe()), data)


def _is_an_answer(expected: str, answers: list[float]) -> bool:
    try:
        value = float(expected)
    except ValueError:
        return False
    return any(math.isclose(value, answer, rel_tol=CLOSE, abs_tol=1e-12) for answer in answers)
