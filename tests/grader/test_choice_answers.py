"""Multiple choice: single and multi-select, partial credit, option feedback, unreadable payloads."""

import pytest

from grader import grade, validate
from grader.results import InvalidAnswer, Verdict
from grader.spec import ExerciseDef, PartDef

OPTIONS = [
    {"id": "a", "text": "right one", "correct": True},
    {"id": "b", "text": "right two", "correct": True},
    {"id": "c", "text": "wrong", "feedback": "C is the second derivative.", "rule": "twice"},
    {"id": "d", "text": "also wrong"},
]


def choice(multiple=False, options=OPTIONS) -> ExerciseDef:
    config = {"options": options, "multiple": multiple}
    return ExerciseDef("c", "Choice", (PartDef("answer", "choice", 1.0, config),))


def test_single_select_right_and_wrong():
    single = choice(options=[OPTIONS[0], OPTIONS[2], OPTIONS[3]])
    assert grade(single, {}, {"choices": ["a"]}).verdict == Verdict.CORRECT
    wrong = grade(single, {}, {"choices": ["c"]})
    assert wrong.verdict == Verdict.INCORRECT
    assert wrong.feedback[0].text == "C is the second derivative."
    assert wrong.rule == "twice"


def test_single_select_refuses_two_choices():
    with pytest.raises(InvalidAnswer, match="Choose exactly one option"):
        validate(choice(options=[OPTIONS[0], OPTIONS[2]]), {"choices": ["a", "c"]})


def test_multi_select_gives_partial_credit_and_subtracts_wrong_choices():
    multi = choice(multiple=True)
    assert grade(multi, {}, {"choices": ["a", "b"]}).score == 1.0
    half = grade(multi, {}, {"choices": ["a"]})
    assert (half.verdict, half.score) == (Verdict.PARTIAL, 0.5)
    assert "1 correct option not chosen" in half.feedback[0].text
    assert grade(multi, {}, {"choices": ["a", "b", "d"]}).score == 0.5
    assert grade(multi, {}, {"choices": ["a", "d"]}).score == 0.0


def test_correctness_can_depend_on_the_variant():
    options = [{"id": "min", "correct": "a > 0"}, {"id": "max", "correct": "a < 0"}]
    exercise = choice(options=options)
    assert grade(exercise, {"a": 2}, {"choices": ["min"]}).verdict == Verdict.CORRECT
    assert grade(exercise, {"a": -2}, {"choices": ["min"]}).verdict == Verdict.INCORRECT


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"choices": []}, "Choose an option."),
        ({"choices": ["z"]}, "Unknown option `z`"),
        ({"choices": [1]}, "Send the chosen option ids as a list"),
        ({"choices": ["a", "a"]}, "chosen twice"),
    ],
)
def test_unreadable_choices_are_rejected_with_a_message(payload, message):
    with pytest.raises(InvalidAnswer, match=message):
        validate(choice(multiple=True), payload)
