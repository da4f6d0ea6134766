"""Matrix answers: gradients, Jacobians and Hessians, graded per entry with shape diagnosis."""

from __future__ import annotations

import pytest

from grader.answers import matrix
from grader.results import InvalidAnswer, Verdict
from grader.spec import PartDef

JACOBIAN = PartDef(
    "J",
    "matrix",
    config={
        "answer": "jacobian([x^2*y, x + sin(y), x*y], [x, y])",
        "variables": ["x", "y"],
    },
)
SQUARE_JACOBIAN = PartDef(
    "J",
    "matrix",
    config={"answer": [["2*x", "1"], ["y", "x"]], "variables": ["x", "y"]},
)
HESSIAN = PartDef(
    "H",
    "matrix",
    config={"answer": "hessian(x^3*y^2, [x, y])", "variables": ["x", "y"]},
)
GRADIENT = PartDef("g", "matrix", config={"answer": ["a*x*y", "x^2"], "variables": ["x", "y"]})
COLUMN = PartDef(
    "g",
    "matrix",
    config={
        "answer": "gradient(x^2*y, [x, y])",
        "variables": ["x", "y"],
        "orientation": "column",
    },
)


def texts(result):
    return [item.text for item in result.feedback]


def test_a_right_jacobian_is_correct():
    result = matrix.grade(JACOBIAN, {}, {"matrix": [["2xy", "x^2"], ["1", "cos y"], ["y", "x"]]})
    assert (result.verdict, result.score) == (Verdict.CORRECT, 1.0)


def test_entries_sent_as_json_numbers_are_read_as_the_numbers_they_are():
    numbers = PartDef("A", "matrix", config={"answer": [["1", "0.5"], ["-2", "4*10^(-7)"]]})
    assert matrix.grade(numbers, {}, {"matrix": [[1, 0.5], [-2, 4e-7]]}).verdict == Verdict.CORRECT
    assert matrix.grade(numbers, {}, {"matrix": [[1, 0.5], [-2, 4e-6]]}).verdict != Verdict.CORRECT
    for cell in (True, float("nan"), None):
        with pytest.raises(InvalidAnswer, match="row 1, column 1: enter an expression"):
            matrix.read(numbers, {"matrix": [[cell, 0.5], [-2, 1]]})


def test_a_transposed_jacobian_is_named_in_feedback():
    result = matrix.grade(JACOBIAN, {}, {"matrix": [["2xy", "1", "y"], ["x^2", "cos y", "x"]]})
    assert result.verdict == Verdict.INCORRECT
    assert result.rule == "transposed"
    assert "transpose" in texts(result)[0] and "rows are outputs" in texts(result)[0]


def test_a_transposed_square_jacobian_is_named_too():
    result = matrix.grade(SQUARE_JACOBIAN, {}, {"matrix": [["2x", "y"], ["1", "x"]]})
    assert result.rule == "transposed"


def test_the_wrong_shape_is_reported_before_any_entry():
    result = matrix.grade(JACOBIAN, {}, {"matrix": [["1", "2"]]})
    assert result.verdict == Verdict.INCORRECT
    assert texts(result) == [
        "Expected a 3×2 (3 rows, 2 columns) matrix; yours is 1×2 (1 row, 2 columns)."
    ]


def test_each_entry_is_marked_and_earns_partial_credit():
    result = matrix.grade(JACOBIAN, {}, {"matrix": [["2xy", "x^2"], ["1", "cos y"], ["y", "y"]]})
    assert result.verdict == Verdict.PARTIAL
    assert result.score == pytest.approx(5 / 6)
    entries = [item for item in result.feedback if item.type == "entry"]
    assert len(entries) == 6
    wrong = [item for item in entries if item.data["correct"] is False]
    assert [(item.data["row"], item.data["column"]) for item in wrong] == [(3, 2)]
    assert wrong[0].text.startswith("Row 3, column 2: not correct. At x = 0.5")


def test_a_hessian_that_is_not_symmetric_gets_its_own_message():
    answer = [["6x y^2", "6x^2 y"], ["6x^2 y + 1", "2x^3"]]
    result = matrix.grade(HESSIAN, {}, {"matrix": answer})
    assert result.rule == "hessian-not-symmetric"
    assert "not symmetric" in texts(result)[0]
    assert result.score == pytest.approx(3 / 4)


def test_a_right_hessian_is_correct():
    answer = [["6x y^2", "6x^2 y"], ["6 y x^2", "2x^3"]]
    assert matrix.grade(HESSIAN, {}, {"matrix": answer}).verdict == Verdict.CORRECT


@pytest.mark.parametrize(
    "written",
    [["3xy", "x^2"], [["3xy", "x^2"]], [["3xy"], ["x^2"]]],
    ids=["flat", "row", "column"],
)
def test_a_vector_is_accepted_in_any_orientation_by_default(written):
    result = matrix.grade(GRADIENT, {"a": 3}, {"matrix": written})
    assert result.verdict == Verdict.CORRECT


def test_an_exercise_can_require_a_column_vector():
    assert matrix.grade(COLUMN, {}, {"matrix": [["2xy"], ["x^2"]]}).verdict == Verdict.CORRECT
    row = matrix.grade(COLUMN, {}, {"matrix": [["2xy", "x^2"]]})
    assert row.verdict == Verdict.INCORRECT and row.rule == "transposed"


def test_a_matrix_mistake_rule_gives_its_feedback_and_credit():
    part = PartDef(
        "J",
        "matrix",
        config={
            "answer": [["a", "0"], ["0", "b"]],
            "variables": ["x"],
            "mistakes": [
                {
                    "answer": [["a", "1"], ["0", "b"]],
                    "feedback": "b is not part of J.",
                    "credit": 0.5,
                    "rule": "bias-included",
                }
            ],
        },
    )
    result = matrix.grade(part, {"a": 2, "b": 3}, {"matrix": [["2", "1"], ["0", "3"]]})
    assert (result.verdict, result.score, result.rule) == (
        Verdict.PARTIAL,
        0.5,
        "bias-included",
    )
    assert texts(result) == ["b is not part of J."]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"matrix": []}, "at least one row"),
        ({"matrix": [["x"], ["x", "y"]]}, "same number of entries"),
        ({"matrix": [["x", ""]]}, "row 1, column 2: enter an expression"),
        ({"matrix": [["x", "sinn(y)"]]}, "row 1, column 2: unknown function `sinn`"),
        ({"matrix": [["1"] * 11] * 11}, "too large"),
        ({"value": "x"}, "list of rows"),
    ],
)
def test_unreadable_matrices_are_rejected_with_a_located_message(payload, message):
    with pytest.raises(InvalidAnswer, match=message):
        matrix.read(JACOBIAN, payload)


def test_configuration_errors_are_reported_to_the_author():
    part = PartDef("J", "matrix", config={"answer": [["x"], ["x", "y"]], "orientation": "diagonal"})
    errors = matrix.check_config(part)
    assert any("answer" in error for error in errors)
    assert any("orientation" in error for error in errors)


ROW_GRADIENT = PartDef(
    "g", "matrix", config={"answer": [["2*x", "3*y^2"]], "variables": ["x", "y"]}
)


@pytest.mark.parametrize(
    "payload",
    [{"matrix": ["x", "y"]}, {"matrix": [["x"], ["y"]]}, {"matrix": [["x", "y"]]}],
    ids=["flat", "column", "row"],
)
def test_the_entries_of_a_row_vector_are_counted_along_it(payload):
    # A 1×n reference: the learner's entries are Entry 1 and Entry 2, however they wrote them.
    result = matrix.grade(ROW_GRADIENT, {}, payload)
    entries = [item.text.split(":")[0] for item in result.feedback if item.type == "entry"]
    assert entries == ["Entry 1", "Entry 2"]
