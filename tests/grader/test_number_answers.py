"""Number answers: exact reading, tolerances, significant figures, clear messages, mistakes."""

import pytest

from grader import grade, validate
from grader.results import InvalidAnswer, Verdict
from grader.spec import ExerciseDef, PartDef


def number_exercise(answer="3/4", **config) -> ExerciseDef:
    return ExerciseDef(
        "n", "Number", (PartDef("answer", "number", 1.0, {"answer": answer, **config}),)
    )


def graded(text, exercise=None, params=None):
    return grade(exercise or number_exercise(), params or {}, {"value": text})


@pytest.mark.parametrize(
    "text", ["0.75", "3/4", "6/8", "7.5e-1", "75E-2", " 0.75 ", "+0.75", ".75", "0.750000"]
)
def test_equal_numbers_in_any_notation_are_correct(text):
    result = graded(text)
    assert result.verdict == Verdict.CORRECT
    assert result.score == 1.0


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1 000", "1000"),
        ("12 345.678 9", "12345.6789"),
        ("1\u2009000", "1000"),  # a thin space
        ("7.5 × 10^-1", "0.75"),
        ("7.5 e-1", "0.75"),
        ("- 3 / 4", "-0.75"),
    ],
)
def test_spaces_that_group_digits_or_set_off_an_exponent_are_read_through(text, value):
    answer = graded(text, number_exercise(value))
    assert answer.verdict == Verdict.CORRECT, answer


def test_exact_constants_are_read_as_numbers():
    exercise = number_exercise("sqrt(2)/2")
    assert graded("sqrt(2)/2", exercise).verdict == Verdict.CORRECT
    assert graded("1/sqrt(2)", exercise).verdict == Verdict.CORRECT
    assert graded("0.70711", exercise).verdict == Verdict.CORRECT


def test_default_relative_tolerance_accepts_rounding_but_not_a_wrong_value():
    exercise = number_exercise("2/3")
    assert graded("0.66667", exercise).verdict == Verdict.CORRECT
    assert graded("0.6667", exercise).verdict == Verdict.CORRECT
    assert graded("0.67", exercise).verdict == Verdict.INCORRECT


def test_absolute_tolerance_for_answers_near_zero():
    exercise = number_exercise("0", tolerance={"abs": 0.001})
    assert graded("0.0004", exercise).verdict == Verdict.CORRECT
    assert graded("-0.002", exercise).verdict == Verdict.INCORRECT


def test_unicode_minus_is_a_minus():
    assert graded("−0.75", number_exercise("-3/4")).verdict == Verdict.CORRECT


def test_significant_figures_accept_the_rounded_value_and_more_digits():
    exercise = number_exercise("pi", sigfigs=3)
    assert graded("3.14", exercise).verdict == Verdict.CORRECT
    assert graded("3.1416", exercise).verdict == Verdict.CORRECT
    assert graded("3.15", exercise).verdict == Verdict.INCORRECT


def test_too_few_significant_figures_are_named():
    result = graded("3.1", number_exercise("pi", sigfigs=3))
    assert result.verdict == Verdict.INCORRECT
    assert "2 significant figures; give it to 3" in result.feedback[0].text


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter a number."),
        ("   ", "Enter a number."),
        ("abc", "`abc` is not a number"),
        ("nan", "`nan` is not a finite number"),
        ("inf", "`inf` is not a finite number"),
        ("1/0", "Division by zero"),
        ("2x", "is not a number"),
        # numbers that cannot be computed, each refused at once with the reason
        ("e^(e^(e^(e^99)))", "is too large to compare"),  # SymPy's evalf never returned
        ("cosh(e^e^e)", "is too large to compare"),
        ("sqrt(2)^(sqrt(2)^100)", "a number is too large"),  # 2^(2^49), refused by the parser
        ("tan(10^100)", "cannot be computed precisely enough to compare"),  # needs 100 digits
        ("sqrt(-1)", "is not a real number"),
        ("(-8)^(1/3)", "is not a real number"),
        ("log(log(0.5))", "is not a real number"),
        # a space is only a digit-group or exponent separator, never silently dropped
        (
            "3 1/2",
            "looks like a mixed number: write it as one fraction or a decimal, such as 7/2 or 3.5",
        ),
        ("-3 1/2", "such as -7/2 or -3.5"),
        ("2 3", "two numbers in a row"),
        ("0,5", "has a comma, which could be a decimal point or separate thousands"),
        ("1,000.5", "write a decimal with a point (0.5) and thousands without a separator"),
        ("3.14 15", "two numbers in a row"),
        ("0x1F", "unknown name `x1F` (this question has no variables)"),
    ],
)
def test_malformed_numbers_are_rejected_with_a_clear_message(text, message):
    with pytest.raises(InvalidAnswer) as caught:
        validate(number_exercise(), {"value": text})
    assert message in caught.value.message
    assert graded(text).verdict == Verdict.INVALID


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("e^(pi*sqrt(163))", "2.6253741264076874e17"),
        ("sin(pi*10^30)", "0"),  # read as exactly 0, before any precision is asked
        ("exp(1) - e", "0"),
        ("sqrt(2)^sqrt(2)", "1.63252691943815"),
    ],
)
def test_a_number_written_as_an_expression_is_computed_to_full_precision(text, value):
    assert graded(text, number_exercise(value, tolerance={"rel": 1e-14})).verdict == (
        Verdict.CORRECT
    )


def test_a_non_text_value_is_rejected():
    with pytest.raises(InvalidAnswer, match="Enter a number"):
        validate(number_exercise(), {"value": [1, 2]})


def test_the_answer_may_depend_on_parameters():
    exercise = number_exercise("2*a*x0 + b")
    assert graded("-1", exercise, {"a": 2, "x0": -1, "b": 3}).verdict == Verdict.CORRECT
    assert graded("7", exercise, {"a": 2, "x0": 1, "b": 3}).verdict == Verdict.CORRECT


def test_an_anticipated_mistake_gets_its_feedback_and_rule():
    exercise = number_exercise(
        "(f1 - f0)/d",
        mistakes=[
            {
                "answer": "d/(f1 - f0)",
                "feedback": "That is run over rise, with run [[d]].",
                "rule": "run-over-rise",
            },
            {
                "answer": "f1 - f0",
                "feedback": "Divide by the run.",
                "rule": "forgot-to-divide",
                "credit": 0.5,
            },
        ],
    )
    params = {"f1": 5, "f0": 1, "d": 0.5}
    result = graded("0.125", exercise, params)
    assert result.verdict == Verdict.INCORRECT
    assert result.rule == "run-over-rise"
    assert result.feedback[0].text == "That is run over rise, with run 0.5."
    partial = graded("4", exercise, params)
    assert partial.verdict == Verdict.PARTIAL
    assert partial.score == 0.5
    assert partial.rule == "forgot-to-divide"


def test_a_mistake_that_is_undefined_for_this_variant_is_skipped():
    exercise = number_exercise("a", mistakes=[{"answer": "1/(a - 2)", "feedback": "x"}])
    assert graded("3", exercise, {"a": 2}).verdict == Verdict.INCORRECT


@pytest.mark.parametrize("text", ["1e999999", "-1e99999999999999999", "9e307/1e-300", "1e999"])
def test_numbers_beyond_floats_are_graded_wrong_not_refused(text):
    result = graded(text)
    assert result.verdict == Verdict.INCORRECT
    assert result.feedback[0].text == "Not correct: your number is far too large to be the answer."


def test_a_number_far_below_floats_is_zero_within_tolerance():
    assert graded("1e-999").verdict == graded("0").verdict


def test_a_stated_precision_of_four_significant_figures_is_graded_as_stated():
    from grader.answers import number
    from grader.spec import PartDef

    part = PartDef("v", "number", config={"answer": "7.4137", "sigfigs": 4})
    assert number.grade(part, {}, {"value": "7.414"}).score == 1.0
    assert number.grade(part, {}, {"value": "7.41372"}).score == 1.0
    three = number.grade(part, {}, {"value": "7.41"})
    assert three.score == 0.0
    assert "give it to 4" in three.feedback[0].text
    near_zero = PartDef("v", "number", config={"answer": "0.0046437", "sigfigs": 4})
    assert number.grade(near_zero, {}, {"value": "0.004644"}).score == 1.0
    assert number.grade(near_zero, {}, {"value": "0.00464"}).score == 0.0
    assert number.grade(near_zero, {}, {"value": "0.0047"}).score == 0.0


def test_a_mistake_given_to_the_stated_precision_is_still_recognised():
    from grader.answers import number
    from grader.spec import PartDef

    mistake = {"answer": "-0.0046437", "feedback": "The sign.", "rule": "sign"}
    part = PartDef(
        "v", "number", config={"answer": "0.0046437", "sigfigs": 4, "mistakes": [mistake]}
    )
    assert number.grade(part, {}, {"value": "-0.004644"}).rule == "sign"


def test_matrix_entries_are_graded_to_a_stated_precision():
    from grader.answers import matrix
    from grader.spec import PartDef

    part = PartDef("g", "matrix", config={"answer": ["sqrt(2)", "1/300"], "sigfigs": 4})
    assert matrix.grade(part, {}, {"matrix": ["1.414", "0.003333"]}).score == 1.0
    assert matrix.grade(part, {}, {"matrix": ["1.414", "0.00333"]}).score == 0.5
    assert matrix.grade(part, {}, {"matrix": ["1.41", "0.003333"]}).score == 0.5


def test_a_short_anticipated_mistake_is_named_before_asking_for_more_figures():
    from grader.answers import number
    from grader.spec import PartDef

    mistake = {"answer": "10.2", "feedback": "The factor 1/2 is missing.", "rule": "missing-half"}
    part = PartDef("v", "number", config={"answer": "10.1", "sigfigs": 6, "mistakes": [mistake]})
    assert number.grade(part, {}, {"value": "10.2"}).rule == "missing-half"
    assert "give it to 6" in number.grade(part, {}, {"value": "10"}).feedback[0].text
