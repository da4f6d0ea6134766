"""Expression and matrix answers on the site: the preview endpoint, the form, the batch command."""

import io
import json
import sys

import pytest
from django.core.management import call_command
from django.test import Client

from courseware.models import Attempt
from courseware.tasks import grade_submission
from courseware.variants import definition_of
from grader.answers.matrix import expected_grid
from tests.support.people import PASSWORD, api_key_for

pytestmark = pytest.mark.django_db


def preview(client, value, exercise="m1-chain-rule", part=None, **extra):
    body = {"exercise": exercise, "value": value, **extra}
    if part:
        body["part"] = part
    return client.post("/api/v1/preview", json.dumps(body), content_type="application/json")


def test_preview_shows_how_the_answer_was_read(learner):
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    response = preview(client, "2x cos(x^2)")
    assert response.status_code == 200
    assert response.json()["latex"].replace(" ", "") in {
        r"2x\cos{\left(x^{2}\right)}",
        r"2\cdotx\cos{\left(x^{2}\right)}",
    }


def test_preview_locates_the_error(learner):
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    response = preview(client, "sinn(x)")
    assert response.status_code == 422
    assert "did you mean `sin`" in response.json()["detail"]
    unbalanced = preview(client, "3*(x+1")
    assert unbalanced.json()["column"] == 3


def test_preview_works_for_a_logged_in_learner_with_csrf(learner):
    client = Client(enforce_csrf_checks=True)
    client.login(username=learner.username, password=PASSWORD)
    page = client.get("/courses/calc/exercises/m1-chain-rule/")
    token = page.cookies["csrftoken"].value
    ok = client.post(
        "/api/v1/preview",
        json.dumps({"exercise": "m1-chain-rule", "value": "x"}),
        content_type="application/json",
        headers={"x-csrftoken": token},
    )
    assert ok.status_code == 200
    refused = client.post(
        "/api/v1/preview",
        json.dumps({"exercise": "m1-chain-rule", "value": "x"}),
        content_type="application/json",
    )
    assert refused.status_code in (401, 403)


def test_preview_needs_a_known_expression_part(learner):
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    assert preview(client, "x", exercise="nope").status_code == 404
    assert preview(client, "x", exercise="m1-rise-over-run", part="secant").status_code == 404


def test_a_matrix_answer_from_the_page_gets_per_entry_marks(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    page = client.get("/courses/calc/exercises/m2-jacobian/").content.decode()
    assert 'aria-label="row 2, column 2"' in page
    attempt = Attempt.objects.get(learner=learner)
    part = definition_of(attempt).parts[0]
    grid, _ = expected_grid(part, part.config["answer"], attempt.params)
    form = {"attempt": attempt.pk, "part-answer-rows": 2, "part-answer-columns": 2}
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            form[f"part-answer-{i}-{j}"] = "12345" if (i, j) == (0, 0) else str(cell.value)
    posted = client.post("/courses/calc/exercises/m2-jacobian/submit/", form)
    assert posted.status_code == 202
    submission = attempt.submissions.get()
    grade_submission.apply(args=(submission.pk, 1))  # the worker's task, run here
    fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Partly correct" in fragment
    assert "score 75%" in fragment
    assert 'aria-label="row 1, column 1: wrong"' in fragment
    assert 'aria-label="row 2, column 2: correct"' in fragment
    assert "Row 1, column 1: not correct." in fragment


def test_an_unreadable_matrix_cell_is_refused_before_grading(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    client.get("/courses/calc/exercises/m2-jacobian/")
    attempt = Attempt.objects.get(learner=learner)
    form = {"attempt": attempt.pk, "part-answer-rows": 2, "part-answer-columns": 2,
            "part-answer-0-0": "x", "part-answer-0-1": "sinn(x)", "part-answer-1-0": "1", "part-answer-1-1": "1"}  # fmt: skip
    response = client.post("/courses/calc/exercises/m2-jacobian/submit/", form)
    assert response.status_code == 422
    assert "row 1, column 2" in response.content.decode()
    assert attempt.submissions.count() == 0


def test_grade_expressions_reads_json_lines_and_writes_results_in_order(monkeypatch):
    lines = [
        {"id": "a", "answer": "2*sin(x)*cos(x)", "expected": "sin(2x)", "variables": ["x"]},
        {"id": "b", "answer": "log(x^2)", "expected": "2 log(x)", "variables": ["x"]},
        "not json",
        {"id": "d", "answer": "x +", "expected": "x", "variables": ["x"]},
    ]
    stdin = io.StringIO(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n"
    )
    stdout = io.StringIO()
    monkeypatch.setattr(sys, "stdin", stdin)
    monkeypatch.setattr(sys, "stdout", stdout)
    call_command("grade_expressions")
    results = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert [r["id"] for r in results] == ["a", "b", None, "d"]
    assert results[0]["equivalent"] is True
    assert results[1]["equivalent"] is False
    assert results[2]["error"] and results[3]["error"]
    assert all(isinstance(r["seconds"], float) for r in results)


def test_a_tangent_line_typed_as_y_equals_is_graded_as_its_right_side(learner):
    from grader.answers.expression import authored
    from grader.mathinput.printing import as_text

    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    client.get("/courses/calc/exercises/m1-tangent-line/")
    attempt = Attempt.objects.get(learner=learner)
    part = definition_of(attempt).parts[0]
    line = as_text(authored(part, part.config["answer"], attempt.params).value)
    posted = client.post(
        "/courses/calc/exercises/m1-tangent-line/submit/",
        {"attempt": attempt.pk, "part-answer": f"y = {line}"},
    )
    assert posted.status_code == 202
    submission = attempt.submissions.get()
    grade_submission.apply(args=(submission.pk, 1))
    fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Correct" in fragment
    assert "score 100%" in fragment


def test_the_preview_reads_the_right_side_of_a_named_answer(learner):
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    response = preview(client, "y = 2x + 1", exercise="m1-tangent-line")
    assert response.status_code == 200
    assert response.json()["latex"].replace(" ", "") in {"2x+1", r"2\cdotx+1"}
    equation = preview(client, "x = 2", exercise="m1-tangent-line")
    assert equation.status_code == 422


def test_an_unknown_name_on_the_right_of_y_equals_is_refused_before_grading(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    client.get("/courses/calc/exercises/m1-tangent-line/")
    attempt = Attempt.objects.get(learner=learner)
    response = client.post(
        "/courses/calc/exercises/m1-tangent-line/submit/",
        {"attempt": attempt.pk, "part-answer": "y = 2*t + 1"},
    )
    assert response.status_code == 422
    assert "`t` is not a variable" in response.content.decode()
    assert attempt.submissions.count() == 0


@pytest.mark.parametrize(
    "exercise, code_editor", [("m1-chain-rule", False), ("m6-linfit-py", True)]
)
def test_a_page_loads_the_code_editor_only_for_code_and_the_math_keyboard_on_demand(
    learner, exercise, code_editor
):
    """CodeMirror (470 kB) comes with code parts alone; MathLive (840 kB) is fetched by app.js
    when a learner first asks for the keyboard, so no page names it."""
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    page = client.get(f"/courses/calc/exercises/{exercise}/").content.decode()
    assert ("vendor/codemirror/codemirror.min.js" in page) is code_editor
    assert "mathlive" not in page
    assert ("Math keyboard" in page) is not code_editor
