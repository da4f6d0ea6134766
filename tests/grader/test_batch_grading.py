"""Batch grading of expression pairs from JSON lines (the grade_expressions command's engine)."""

from __future__ import annotations

import io
import json

from grader.batch import grade_lines


def run(lines: list[str]) -> list[dict]:
    out = io.StringIO()
    grade_lines(io.StringIO("\n".join(lines) + "\n"), out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def pair(id_, answer, expected, variables=("x",)):
    return json.dumps(
        {
            "id": id_,
            "answer": answer,
            "expected": expected,
            "variables": list(variables),
        }
    )


def test_each_line_gets_one_result_in_input_order():
    results = run(
        [
            pair(1, "2x", "diff(x^2, x)"),
            pair(2, "log(x^2)", "2 log(x)"),
            pair("three", "x y", "y x", ["x", "y"]),
        ]
    )
    assert [(r["id"], r["equivalent"], r["error"]) for r in results] == [
        (1, True, None),
        (2, False, None),
        ("three", True, None),
    ]
    assert all(isinstance(r["seconds"], float) for r in results)


def test_malformed_lines_get_an_error_line_and_the_batch_goes_on():
    results = run(
        [
            "not json",
            "[1, 2]",
            json.dumps({"id": 4, "answer": 5, "expected": "x"}),
            json.dumps({"id": 5, "answer": "x", "expected": "x", "variables": "x y"}),
            pair(6, "sinn(x)", "x"),
            pair(7, "x", "x +"),
            pair(8, "x + 1", "x + 1"),
        ]
    )
    errors = [r["error"] for r in results]
    assert errors[0].startswith("line 1: not JSON")
    assert errors[1] == "line 2: expected a JSON object"
    assert errors[2] == 'line 3: "answer" must be text'
    assert errors[4] == "answer: unknown function `sinn` — did you mean `sin`?"
    assert errors[5].startswith("expected: the expression ends too early")
    assert results[6] == {**results[6], "id": 8, "equivalent": True, "error": None}
    assert [r["id"] for r in results] == [None, None, 4, 5, 6, 7, 8]


def test_blank_lines_are_skipped():
    assert len(run(["", pair(1, "x", "x"), "   "])) == 1


def test_an_undecidable_pair_reports_null():
    results = run([pair(1, "log(-x^2 - 1)", "log(-x^2 - 2)")])
    assert results[0]["equivalent"] is None and results[0]["error"] is None


def test_hostile_answers_are_errors_not_crashes():
    results = run([pair(1, "__import__('os')", "x"), pair(2, "9^9^9^9", "x")])
    assert all(r["error"].startswith("answer:") for r in results)
