"""The engine's second round: ambiguous Euler e, Unicode input, more functions, powers of powers,
large and negative-base powers, dependent variables, follow-through and where an answer goes wrong."""

from __future__ import annotations

import io
import json

import pytest

from grader.answers import expression
from grader.batch import MAX_LINE, grade_lines
from grader.equivalence import check_equivalent, locate_difference
from grader.grading import grade
from grader.mathinput import MathInputError, read
from grader.mathinput.tokens import normalised_text
from grader.results import Verdict
from grader.spec import ExerciseDef, PartDef


def same(answer: str, expected: str, variables=("x", "y"), functions=()) -> bool | None:
    return check_equivalent(
        read(answer, variables, functions=functions),
        read(expected, variables, functions=functions, trusted=True),
        variables,
    ).equivalent


# -- Euler's e --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("4e+2", "`4e+2` at column 1 is ambiguous here, where e is Euler's number: "
                 "write `4*e + 2` or `4*10^2`"),
        ("x + 3e-2", "`3e-2` at column 5 is ambiguous here, where e is Euler's number: "
                     "write `3*e - 2` or `3*10^(-2)`"),
        ("(4e+4)(x-1)", "`4e+4` at column 2 is ambiguous here, where e is Euler's number: "
                        "write `4*e + 4` or `4*10^4`"),
        ("1.5e3", "`1.5e3` at column 1 is ambiguous here, where e is Euler's number: "
                  "write `1.5*e*3` or `1.5*10^3`"),
    ],
)  # fmt: skip
def test_scientific_notation_with_e_is_refused_where_e_is_eulers_number(text, message):
    with pytest.raises(MathInputError) as caught:
        read(text, ["x"], euler=True)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("text", "value"), [("4e + 2", "2 + 4*E"), ("4*e+2", "2 + 4*E"), ("2e", "2*E"),
                        ("e^2x", "x*exp(2)"), ("4E+2", "400"), ("4*10^2", "400")]
)  # fmt: skip
def test_unambiguous_spellings_are_read_where_e_is_eulers_number(text, value):
    assert str(read(text, ["x"], euler=True).value) == value


def test_plain_numbers_keep_scientific_notation_elsewhere():
    assert read("4e+2", ["x"]).value == 400
    assert read("1.5e-3 x", ["x"]).value == read("0.0015 x", ["x"]).value


def test_a_part_uses_euler_when_e_or_exp_can_appear_in_its_answer():
    assert expression.uses_euler({"answer": "exp(x) + 1"})
    assert expression.uses_euler({"answer": "f"}, {"f": {"choice": ["x^2", "e^x"]}})
    assert not expression.uses_euler({"answer": "x^2 + 3*x"}, {"a": {"int": [1, 3]}})
    assert not expression.reader_settings({"answer": "exp(x)", "euler": False})["euler"]


# -- Unicode and other systems' spellings ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "as_read"),
    [("μ x", "mu*x"), ("µ + 1", "mu + 1"), ("（x＋1）²", "(x + 1)**2"), ("𝑥^2 − 𝑦", "x**2 - y"),
     ("２x", "2*x"), ("x₁ + x₁₂", "x_1 + x_12"), ("½ x", "x/2"), ("θ·x", "theta*x")],
)  # fmt: skip
def test_unicode_and_full_width_input_is_normalised(text, as_read):
    variables = ["x", "y", "mu", "theta", "x_1", "x_12"]
    assert str(read(text, variables).value) == as_read


def test_a_normalised_character_keeps_its_column():
    with pytest.raises(MathInputError) as caught:
        read("（x＋1）＋ 😀", ["x"])
    assert caught.value.column == 8


def test_the_normalised_reading_is_available_for_the_preview():
    assert normalised_text("（x＋1）²") == "(x+1)²"


@pytest.mark.parametrize(
    ("answer", "expected", "equivalent"),
    [("Abs(x)", "sqrt(x^2)", True), ("|x - 1|", "abs(1 - x)", True), ("|x|y", "abs(x y)", False),
     ("max(x, y)", "(x + y + |x - y|)/2", True), ("min(x, y)", "-max(-x, -y)", True),
     ("max(x, 0)", "x", False), ("min(x, 2, y)", "min(min(x, 2), y)", True)],
)  # fmt: skip
def test_abs_bars_and_declared_max_min(answer, expected, equivalent):
    assert same(answer, expected, functions=["max", "min"]) is equivalent


def test_max_is_refused_where_not_declared():
    with pytest.raises(MathInputError, match="not available in this question"):
        read("max(x, 1)", ["x"])


# -- powers -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected", "equivalent"),
    [("(a^b)^c", "a^(b c)", False), ("(a^2)^(1/2)", "a", False), ("(a^2)^(1/2)", "|a|", True),
     ("(a^b)^2", "a^(2b)", True), ("(a^(1/2))^2", "a", False), ("(x^3)^(1/3)", "x", False)],
)  # fmt: skip
def test_powers_of_powers_follow_the_principal_branch(answer, expected, equivalent):
    assert same(answer, expected, ("a", "b", "c", "x")) is equivalent


@pytest.mark.parametrize(
    ("answer", "expected", "equivalent"),
    [("(-2)^n", "(-2) (-2)^(n-1)", True), ("(-2)^(n+1)", "-2 (-2)^n", True),
     ("(-1)^n", "(-1)^(3n)", True), ("(-1)^n", "(-1)^(n+1)", False), ("(-2)^n", "2^n", False),
     ("(-3)^(2n)", "9^n", False), ("(-1)^n x^2", "(-1)^n x x", True)],
)  # fmt: skip
def test_negative_bases_with_symbolic_exponents_are_decided(answer, expected, equivalent):
    verdict = check_equivalent(read(answer, ["n", "x"]), read(expected, ["n", "x"]), ["n", "x"])
    assert verdict.equivalent is equivalent


# -- dependent variables -----------------------------------------------------------------------

TOTAL = PartDef(
    "derivative",
    "expression",
    config={
        "variables": ["t", "x", "y"],
        "relations": {"x": "t^2 + 3", "y": "sin(t)"},
        "answer": "diff(subs(subs(x*y, x, t^2 + 3), y, sin(t)), t)",
        "mistakes": [{"answer": "y + x", "feedback": "You added the partials.", "rule": "added"}],
    },
)


def test_an_answer_in_dependent_variables_is_credited_with_its_form_in_t():
    result = expression.grade(TOTAL, {}, {"value": "2t y + x cos(t)"})
    assert result.verdict == Verdict.CORRECT
    assert result.feedback[1].text.startswith("Written in terms of t, this is $")


def test_an_answer_in_t_alone_gets_no_note():
    result = expression.grade(TOTAL, {}, {"value": "2t sin(t) + (t^2+3) cos(t)"})
    assert [item.text for item in result.feedback] == ["Correct."]


def test_a_wrong_answer_in_dependent_variables_gets_a_counterexample_in_t():
    result = expression.grade(TOTAL, {}, {"value": "2t y + x sin(t)"})
    assert result.verdict == Verdict.INCORRECT
    counterexample = next(item for item in result.feedback if item.type == "counterexample")
    assert list(counterexample.data["point"]) == ["t"]


def test_mistakes_are_matched_after_substitution():
    result = expression.grade(TOTAL, {}, {"value": "sin(t) + t^2 + 3"})
    assert result.rule == "added"


def test_relations_must_be_a_mapping_of_names_to_text():
    part = PartDef("p", "expression", config={"answer": "t", "relations": ["x = t"]})
    assert any("relations" in error for error in expression.check_config(part))


# -- follow-through ----------------------------------------------------------------------------

NEWTON = ExerciseDef(
    "newton",
    "Newton",
    (
        PartDef("x1", "expression", config={"variables": ["x"], "answer": "x0 - x0^2/(2*x0)",
                                           "label": "$x_1$"}),
        PartDef("x2", "expression", config={
            "variables": ["x"], "label": "$x_2$",
            "answer": "subs(x - x^2/(2*x), x, x0 - x0^2/(2*x0))",
            "follow_through": {"from": ["x1"], "answer": "subs(x - x^2/(2*x), x, x1)"},
        }),
    ),
)  # fmt: skip


def _newton(x1: str, x2: str):
    return grade(NEWTON, {"x0": 4}, {"parts": {"x1": {"value": x1}, "x2": {"value": x2}}})


def test_a_wrong_earlier_answer_costs_only_its_own_marks():
    result = _newton("3", "1.5")  # x1 should be 2; 1.5 is right for x1 = 3
    assert result.parts["x1"].verdict == Verdict.INCORRECT
    assert result.parts["x2"].verdict == Verdict.CORRECT
    assert result.parts["x2"].feedback[0].text == (
        "Correct for your $x_1$: this part is marked with your earlier answer carried forward."
    )
    assert result.score == 0.5


def test_follow_through_does_not_credit_an_answer_wrong_for_both():
    result = _newton("3", "1.2")
    assert result.parts["x2"].verdict == Verdict.INCORRECT


def test_follow_through_is_not_used_when_the_earlier_answer_is_right():
    result = _newton("2", "1")
    assert result.score == 1.0
    assert result.parts["x2"].feedback[0].text == "Correct."


def test_follow_through_must_name_parts_and_an_answer():
    part = PartDef("p", "expression", config={"answer": "x", "follow_through": {"from": "x1"}})
    assert any("follow_through" in error for error in expression.check_config(part))


# -- where an answer goes wrong ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "expected", "message"),
    [
        ("2x cos(x)", "2 cos(x)",
         "The factor multiplying `cos(x)` is off: you have `2*x`, a correct answer has `2`."),
        ("x^2 - 2cos(x)", "x^2 + 2cos(x)", "The second term has the wrong sign."),
        ("3x^2 + 2x + 1", "3x^2 + 2x", "The third term should not be there."),
        ("3x^2 + 2x", "3x^2 + 2x + 1", "A term is missing: a correct answer also has `1`."),
        ("sin(2x) y", "sin(3x) y",
         "The argument of `sin` is off: you have `2*x`, a correct answer has `3*x`."),
        ("x^3 y", "x^2 y", "The exponent of `x` is off: you have `3`, a correct answer has `2`."),
        ("-x y", "x y", "The sign is wrong."),
        ("x^2 + 5x y + y", "x^2 + 3x y + y",
         "The factor multiplying `x*y` in the second term is off: you have `5`, a correct answer "
         "has `3`."),
        ("exp(x) y^2 + 2x", "exp(x) y^2 + 2y",
         "The second term is off: you have `2*x`, a correct answer has `2*y`."),
        ("2x/(x+1)", "2x/(x+2)",
         "The denominator is off: you have `x + 1`, a correct answer has `x + 2`."),
        ("sin(x)/(x^2+1) + y", "sin(x)/(x^2+2) + y",
         "The denominator in the first term is off: you have `x^2 + 1`, a correct answer has "
         "`x^2 + 2`."),
        ("(x+1)^3", "(x+2)^3",
         "The base of the power `^3` is off: you have `x + 1`, a correct answer has `x + 2`."),
        ("(2x+2) sin(3x) + 3(x^2+2x) cos(2x)", "(2x+2) sin(3x) + 3(x^2+2x) cos(3x)",
         "The argument of `cos` in the second term is off: you have `2*x`, a correct answer has "
         "`3*x`."),
    ],
)  # fmt: skip
def test_the_smallest_differing_part_is_named(answer, expected, message):
    location = locate_difference(read(answer, ["x", "y"]), read(expected, ["x", "y"]), ["x", "y"])
    assert location is not None and location.message == message
    assert r"\textcolor{#b91c1c}" in location.highlight or "missing" in message


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("x + y", "x y"), ("sin(x) + cos(y)", "tan(x y)"), ("x^2 + y^2 + 1", "x y + 3x + 2")],
)
def test_no_location_is_claimed_when_it_is_not_certain(answer, expected):
    assert (
        locate_difference(read(answer, ["x", "y"]), read(expected, ["x", "y"]), ["x", "y"]) is None
    )


def test_an_incorrect_expression_answer_carries_its_location():
    part = PartDef("d", "expression", config={"variables": ["x"], "answer": "2x cos(x^2)"})
    result = expression.grade(part, {}, {"value": "2x sin(x^2)"})
    kinds = [item.type for item in result.feedback]
    assert kinds == ["message", "location", "counterexample"]
    assert result.feedback[1].data["message"].startswith("The factor multiplying `x`")


# -- batch ids ----------------------------------------------------------------------------------


def test_a_line_over_the_limit_keeps_its_id():
    long_line = json.dumps({"id": "long-1", "answer": "x" + "+x" * MAX_LINE, "expected": "x"})
    broken = '{"id": 42, "answer": "x", "expected": '
    out = io.StringIO()
    grade_lines(io.StringIO(long_line + "\n" + broken + "\n"), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [r["id"] for r in results] == ["long-1", 42]
    assert "longer than" in results[0]["error"] and "not JSON" in results[1]["error"]


def test_the_loader_sets_the_euler_flag_and_checks_follow_through_sources(tmp_path):
    from exercises.loader import check_definition, normalise

    errors = []
    spec = normalise(
        {
            "slug": "s",
            "title": "S",
            "params": {"f": {"choice": ["exp(x)", "x^2"]}},
            "parts": [
                {"name": "first", "kind": "expression", "variables": ["x"], "answer": "f",
                 "follow_through": {"from": ["second"], "answer": "second"}},
                {"name": "second", "kind": "expression", "variables": ["x"], "answer": "x"},
            ],
        },
        errors,
        "s.yaml",
    )  # fmt: skip
    assert not errors
    assert [part["config"]["euler"] for part in spec["parts"]] == [True, True]
    problems = check_definition(spec, tmp_path)
    assert problems == [
        "parts.first.follow_through.from: 'second' is not an earlier number, expression or "
        "matrix part"
    ]


def test_a_batch_line_may_say_that_e_is_eulers_number():
    lines = [
        {"id": 1, "answer": "4e+2", "expected": "4*e + 2", "variables": [], "euler": True},
        {"id": 2, "answer": "4e+2", "expected": "400", "variables": []},
        {"id": 3, "answer": "x", "expected": "x", "variables": ["x"], "euler": "yes"},
    ]
    out = io.StringIO()
    grade_lines(io.StringIO("\n".join(json.dumps(line) for line in lines)), out)
    results = [json.loads(line) for line in out.getvalue().splitlines()]
    assert "ambiguous" in results[0]["error"]
    assert results[1]["equivalent"] is True
    assert results[2]["error"] == 'line 3: "euler" must be true or false'


def test_the_highlight_keeps_a_bases_brackets():
    location = locate_difference(read("(x+1)^3", ["x"]), read("(x+2)^3", ["x"]), ["x"])
    assert location.highlight == (r"\underline{\textcolor{#b91c1c}{\left(x + 1\right)}}^{3}")


def test_a_wrong_matrix_entry_says_where_it_goes_wrong():
    from grader.answers import matrix

    part = PartDef(
        "j",
        "matrix",
        config={"variables": ["x", "y"], "answer": "jacobian([x^2*y + 2*x, sin(x) + y^2], [x, y])"},
    )
    result = matrix.grade(part, {}, {"matrix": [["2x y - 2", "x^2"], ["cos(x)", "2y"]]})
    entry = result.feedback[1]
    assert entry.text.startswith(
        "Row 1, column 1: not correct. The second term has the wrong sign."
    )
    assert entry.data["location"] == "The second term has the wrong sign."
