"""Expression answers: verdicts, anticipated-mistake feedback, counterexamples and form checks."""

from __future__ import annotations

import pytest

from grader.answers import expression
from grader.results import InvalidAnswer, Verdict
from grader.spec import PartDef

CHAIN = PartDef(
    "derivative",
    "expression",
    config={
        "answer": "diff(exp(a*x^n), x)",
        "variables": ["x"],
        "mistakes": [
            {
                "answer": "exp(a*x^n)",
                "feedback": "You differentiated the outer function but not the inner one, $[[a]]x^{[[n]]}$.",
                "credit": 0,
                "rule": "chain-missing-inner",
            },
            {
                "answer": "-a*n*x^(n-1)*exp(a*x^n)",
                "feedback": "Check the sign.",
                "credit": 0.5,
                "rule": "sign",
            },
        ],
    },
)
PARAMS = {"a": 3, "n": 2}
SIGMOID = PartDef(
    "dsigma",
    "expression",
    config={
        "answer": "diff(sigma(z), z)",
        "variables": ["z"],
        "functions": ["sigma"],
        "mistakes": [
            {
                "answer": "sigma(z)*(1 - z)",
                "feedback": "Use σ(z), not z.",
                "rule": "sigma-of-z",
            }
        ],
    },
)


def grade(part, value, params=PARAMS, key="value"):
    return expression.grade(part, params, {key: value})


def test_a_right_answer_in_any_form_is_correct():
    for answer in ("6x e^(3x^2)", "2*3*x*exp(3*x^2)", "e^(3x^2) * 6x"):
        result = grade(CHAIN, answer)
        assert (result.verdict, result.score, result.rule) == (
            Verdict.CORRECT,
            1.0,
            None,
        )


def test_an_anticipated_mistake_gets_its_feedback_and_the_rule_is_recorded():
    result = grade(CHAIN, "e^(3x^2)")
    assert (result.verdict, result.score, result.rule) == (
        Verdict.INCORRECT,
        0.0,
        "chain-missing-inner",
    )
    assert result.feedback[0].type == "mistake"
    assert result.feedback[0].text.startswith("You differentiated the outer function")


def test_a_mistake_rule_can_give_partial_credit():
    result = grade(CHAIN, "-6x e^(3x^2)")
    assert (result.verdict, result.score, result.rule) == (Verdict.PARTIAL, 0.5, "sign")


def test_feedback_placeholders_are_filled_with_the_variant():
    assert "$3x^{2}$" in grade(CHAIN, "e^(3x^2)").feedback[0].text


def test_an_unanticipated_wrong_answer_gets_a_counterexample():
    result = grade(CHAIN, "6x")
    assert result.verdict == Verdict.INCORRECT
    counterexample = next(item for item in result.feedback if item.type == "counterexample")
    assert counterexample.text == "At x = 0.5 your answer is 3, the expected value is 6.351."
    assert counterexample.data["point"] == {"x": "0.5"}


def test_a_counterexample_never_states_a_constant_answer():
    """The value of a constant anywhere is the answer itself: the learner hears only that theirs
    differs, in the text and in the data."""
    slope = PartDef("slope", "expression", config={"answer": "3/7", "variables": ["x"]})
    counterexample = next(
        item for item in grade(slope, "0.4", {}).feedback if item.type == "counterexample"
    )
    assert counterexample.text == "Here your answer is 0.4, which is not the expected value."
    assert "expected" not in counterexample.data
    assert "0.42" not in counterexample.text


def test_sigma_prime_written_with_z_instead_of_sigma_is_recognised():
    assert grade(SIGMOID, "sigma(z)(1 - z)", {}).rule == "sigma-of-z"
    for right in (
        "sigma(z)(1 - sigma(z))",
        "e^(-z)/(1 + e^(-z))^2",
        "1/(4 cosh(z/2)^2)",
    ):
        assert grade(SIGMOID, right, {}).verdict == Verdict.CORRECT


def test_latex_from_the_math_keyboard_is_graded_the_same_way():
    result = grade(CHAIN, r"6x\cdot e^{3x^{2}}", key="latex")
    assert result.verdict == Verdict.CORRECT


@pytest.mark.parametrize(
    ("form", "right", "wrong", "message"),
    [
        ("expanded", "x^2 + 2x + 1", "(x+1)^2", "expand it"),
        ("factored", "(x+1)^2", "x^2 + 2x + 1", "factorise it"),
        ("simplified", "(x+1)^2", "(x^3 + x^2 - x - 1)/(x - 1)", "simplify it"),
    ],
)
def test_a_required_form_is_checked_after_equivalence(form, right, wrong, message):
    part = PartDef(
        "p",
        "expression",
        config={"answer": "(x+1)^2", "variables": ["x"], "form": [form]},
    )
    assert grade(part, right, {}).verdict == Verdict.CORRECT
    result = grade(part, wrong, {})
    assert (result.verdict, result.score) == (Verdict.PARTIAL, 0.5)
    assert message in result.feedback[0].text


def test_a_number_can_be_required_instead_of_an_expression():
    part = PartDef(
        "p",
        "expression",
        config={"answer": "x0^2", "variables": ["x"], "form": ["numeric"]},
    )
    assert grade(part, "9/4", {"x0": 1.5}).verdict == Verdict.CORRECT


def test_an_answer_the_engine_cannot_decide_awaits_review_and_is_not_marked_wrong():
    part = PartDef("p", "expression", config={"answer": "log(-x^2 - 1)", "variables": ["x"]})
    result = grade(part, "log(-x^2 - 2)", {})
    assert (result.verdict, result.score) == (Verdict.NEEDS_REVIEW, 0.0)
    assert "awaiting review" in result.feedback[0].text


def test_an_unreadable_answer_is_invalid_with_a_located_message():
    with pytest.raises(InvalidAnswer) as caught:
        grade(CHAIN, "6x e^(3x^2")
    assert caught.value.message == "unbalanced `(` at column 6"
    assert caught.value.column == 6
    with pytest.raises(InvalidAnswer, match="not a variable"):
        grade(CHAIN, "6y")
    with pytest.raises(InvalidAnswer, match="Enter an expression"):
        grade(CHAIN, "   ")


def test_configuration_errors_are_reported_to_the_author():
    part = PartDef(
        "p",
        "expression",
        config={
            "variables": ["x y"],
            "functions": ["relu"],
            "form": ["pretty"],
            "tolerance": {"rel": -1},
            "mistakes": [{"answer": "x"}],
        },
    )
    errors = " ".join(expression.check_config(part))
    for key in ("answer", "variables", "functions", "form", "tolerance", "mistakes[0]"):
        assert f"parts.p.{key}" in errors
    assert expression.check_config(CHAIN) == []


def test_a_counterexample_never_states_another_parts_answer():
    """f'(x) at the point the next part asks about would be that part's answer: it is withheld."""
    from grader import grade as grade_exercise
    from grader.spec import ExerciseDef

    derivative = PartDef("derivative", "expression", config={"answer": "3*x^2", "variables": ["x"]})
    value = PartDef("value", "number", config={"answer": "3*0.5^2"})
    exercise = ExerciseDef("e", "E", (derivative, value))
    result = grade_exercise(
        exercise, {}, {"parts": {"derivative": {"value": "0"}, "value": {"value": "1"}}}
    )
    counterexample = next(item for item in result.feedback if item.type == "counterexample")
    assert counterexample.text == "At x = 0.5 your answer is 0, which is not the expected value."
    assert "expected" not in counterexample.data
    alone = grade(derivative, "0", {})  # without a part it would answer, the value is shown
    assert "the expected value is 0.75" in alone.feedback[1].text


def test_close_decimals_where_exact_values_are_asked_for_say_so_and_are_not_an_attempt():
    from grader.answers import expression
    from grader.results import InvalidAnswer
    from grader.spec import PartDef

    part = PartDef("t", "expression", config={"answer": "log(4) + (x - 1)/4", "variables": ["x"]})
    with pytest.raises(InvalidAnswer, match="asks for exact values"):
        expression.grade(part, {}, {"value": "1.386294 + (x-1)/4"})
    assert expression.grade(part, {}, {"value": "log(4) + (x-1)/4"}).score == 1.0
    far = expression.grade(part, {}, {"value": "1.3 + (x-1)/4"})
    assert far.verdict.value == "incorrect"  # not close: an ordinary wrong answer
