"""Exercises as Jupyter notebooks, as a learner uses them: downloaded, run headless on this
machine, and read back on upload without running anything outside the sandbox."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import nbformat
import pytest

from grader.answers import code
from grader.notebooks.build import ANSWER_TAG, TESTS_TAG, code_parts, dumps
from grader.notebooks.read import NotebookRefused, answer_code, checked, parse
from tests.support.notebooks import (
    run_headless,
    run_headless_each,
    solution,
    tagged,
    variant,
    with_answer,
)
from tests.support.sandbox import require_sandbox

D_SIGMA = "m3-chain-rule-and-neural-networks/m3-d-sigma"
BACKPROP = "m3-chain-rule-and-neural-networks/m3-backprop-assignment"


def run_my_tests(definition, params, source: str) -> str:
    """What "run my tests" on the page shows: its test lines, in order."""
    part = code_parts(definition)[0]
    result = code.run_examples(part, params, {"code": source})
    return "".join(item.text + "\n" for item in result.feedback if item.type == "test")


# --- download -------------------------------------------------------------------------------------


def test_a_downloaded_notebook_is_valid_nbformat_4_with_prompt_starter_and_tests():
    definition, _, notebook = variant("m3-d-sigma")
    nbformat.validate(nbformat.reads(dumps(notebook), as_version=4))
    prompt = notebook.cells[0]
    assert prompt.cell_type == "markdown"
    assert r"$$\sigma(z) = \frac{1}{1 + e^{-z}}.$$" in prompt.source  # math as written
    (answer,) = tagged(notebook, ANSWER_TAG)
    assert answer.source == definition.parts[0].config["starter"]
    (tests,) = tagged(notebook, TESTS_TAG)
    assert "three values" in tests.source and "a 0-dimensional array" in tests.source
    assert notebook.metadata["tangent"]["exercise"] == "m3-d-sigma"


def test_the_notebook_holds_no_hidden_test_mistake_or_reference_solution():
    _, _, notebook = variant("m3-backprop-assignment")
    text = dumps(notebook)
    for secret in (
        "N = 100, parameters",  # the hidden cases' names (the prompt itself says N = 100)
        "1000 values",
        "gradient descent (step size",  # a hidden session's name is only shown when visible
        "the factor 2 is missing",  # a mistake's feedback
        "def deltas",  # the reference solution
        "grader.",  # no trusted code
    ):
        assert secret not in text, secret


def test_data_the_exercise_draws_comes_as_arrays():
    _, _, notebook = variant("m6-heights-fit")
    (data,) = [c for c in notebook.cells if c.metadata.get("tangent", {}).get("role") == "data"]
    namespace: dict = {}
    exec(data.source, namespace)  # noqa: S102 - our own generated cell
    x, y = namespace["data"]["heights"]
    assert x.shape == y.shape == (60,)


@pytest.mark.parametrize(
    ("slug", "folder"), [("m3-d-sigma", D_SIGMA), ("m3-backprop-assignment", BACKPROP)]
)
def test_the_tests_cell_run_headless_prints_what_run_my_tests_prints(slug, folder):
    require_sandbox()
    definition, params, notebook = variant(slug)
    starter = definition.parts[0].config["starter"]
    right = solution(folder)
    printed, printed_right = run_headless_each(notebook, with_answer(notebook, right))
    assert printed == run_my_tests(definition, params, starter)
    assert "failed" in printed
    printed = printed_right
    assert printed == run_my_tests(definition, params, right)
    assert "failed" not in printed and printed.count("passed") >= 2


def test_a_wrong_answer_that_raises_prints_the_same_lines_as_the_page():
    require_sandbox()
    definition, params, notebook = variant("m3-d-sigma")
    wrong = "def d_sigma(z):\n    return z.nope()\n"
    printed = run_headless(with_answer(notebook, wrong))
    assert printed == run_my_tests(definition, params, wrong)
    assert "it raised AttributeError" in printed


# --- reading an upload ----------------------------------------------------------------------------


def uploaded(notebook) -> nbformat.NotebookNode:
    return checked(parse(dumps(notebook)))


def test_the_tagged_answer_cell_is_what_is_graded():
    _, _, notebook = variant("m3-d-sigma")
    written = with_answer(notebook, "%matplotlib inline\n" + solution(D_SIGMA))
    found = answer_code(uploaded(written), "code", "d_sigma")
    assert "def d_sigma" in found.code and "# %matplotlib inline" in found.code
    index = next(
        i for i, c in enumerate(written.cells, 1) if ANSWER_TAG in c.metadata.get("tags", [])
    )
    assert found.cells == [index]
    assert f"cell {index}" in found.describe()


def test_without_a_tag_the_function_is_found_by_name_with_the_helpers_it_uses():
    cells = [
        nbformat.v4.new_code_cell("import numpy as np\nimport matplotlib.pyplot as plt"),
        nbformat.v4.new_code_cell("def sigma(z):\n    return 1 / (1 + np.exp(-z))"),
        nbformat.v4.new_code_cell("plt.plot([1, 2])\ndef broken(:"),
        nbformat.v4.new_code_cell("def d_sigma(z):\n    return sigma(z) * (1 - sigma(z))"),
        nbformat.v4.new_code_cell("def unrelated():\n    return 1"),
    ]
    notebook = nbformat.v4.new_notebook(cells=cells)
    found = answer_code(uploaded(notebook), "code", "d_sigma")
    assert found.cells == [1, 2, 4]
    assert "import numpy as np" in found.code and "matplotlib" not in found.code
    assert "unrelated" not in found.code
    assert found.skipped == [3]
    assert "found by name" in found.describe() and "Cells 3" in found.describe()


def test_a_notebook_without_the_function_is_refused_with_what_to_do():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")])
    with pytest.raises(NotebookRefused) as refused:
        answer_code(uploaded(notebook), "code", "d_sigma")
    assert refused.value.status == 422 and "defines `d_sigma`" in refused.value.message


def test_outputs_are_dropped_before_anything_is_kept():
    _, _, notebook = variant("m3-d-sigma")
    cell = tagged(notebook, ANSWER_TAG)[0]
    cell.outputs = [nbformat.v4.new_output("stream", text="x" * 100_000)]
    cell.execution_count = 3
    read = uploaded(notebook)
    assert all(c.get("outputs", []) == [] for c in read.cells)


@pytest.mark.parametrize(
    ("raw", "status", "words"),
    [
        (b"{not json", 422, "not valid JSON"),
        (b"[1, 2]", 422, "not an object"),
        (json.dumps({"nbformat": 3, "worksheets": []}).encode(), 422, "format 4"),
        (
            json.dumps(
                {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"x": 1}]}
            ).encode(),
            422,
            "not valid nbformat 4",
        ),
    ],
)
def test_malformed_notebooks_are_refused_clearly(raw, status, words):
    with pytest.raises(NotebookRefused) as refused:
        checked(parse(raw))
    assert refused.value.status == status and words in refused.value.message


def test_ten_thousand_cells_are_refused():
    cell = nbformat.v4.new_code_cell("x = 1")  # made (and validated) once, then copied
    cells = [nbformat.from_dict({**cell, "id": f"cell-{n}"}) for n in range(10_000)]
    notebook = nbformat.v4.new_notebook(cells=cells)
    with pytest.raises(NotebookRefused) as refused:
        checked(parse(dumps(notebook)))
    assert refused.value.status == 413 and "10000 cells" in refused.value.message


def test_huge_outputs_are_refused_with_how_to_clear_them():
    _, _, notebook = variant("m3-d-sigma")
    tagged(notebook, ANSWER_TAG)[0].outputs = [
        nbformat.v4.new_output("stream", text="y" * 3_000_000)
    ]
    with pytest.raises(NotebookRefused) as refused:
        parse(dumps(notebook))
    assert refused.value.status == 413 and "clear its outputs" in refused.value.message


def test_reading_a_notebook_runs_none_of_its_code(tmp_path: Path):
    marker = tmp_path / "ran"
    hostile = (
        f"import os\nos.system('touch {marker}')\nopen({str(marker)!r}, 'w').write('x')\n"
        "def d_sigma(z):\n    return z\n"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(hostile)])
    found = answer_code(uploaded(notebook), "code", "d_sigma")
    assert "def d_sigma" in found.code
    assert not marker.exists()


def code_exercises() -> list[str]:
    from tests.conftest import parsed_bank

    return sorted(
        e.spec["slug"]
        for e in parsed_bank().exercises
        if any(p["kind"] == "code" for p in e.spec["parts"])
    )


def run_in_process(notebook) -> str:
    """The notebook's code cells in order in one namespace, as a kernel would run them."""
    namespace: dict = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in notebook.cells:
            if cell.cell_type == "code":
                exec(compile(cell.source, "<cell>", "exec"), namespace)  # noqa: S102 - our cells
    return out.getvalue()


@pytest.mark.parametrize("slug", code_exercises())
def test_every_code_exercises_notebook_prints_what_run_my_tests_prints_for_its_starter(slug):
    require_sandbox()
    definition, params, notebook = variant(slug, seed=11)
    nbformat.validate(notebook)
    starter = code_parts(definition)[0].config.get("starter", "")
    expected = run_my_tests(definition, params, starter)
    printed = run_in_process(notebook)
    sessions = [
        line for line in printed.splitlines() if line.endswith("runs when you submit to Tangent")
    ]
    checked_later = [line for line in printed.splitlines() if "Tangent checks it" in line]
    if not sessions and not checked_later:
        assert printed == expected
    else:  # what only the server can run is named, in the place "run my tests" shows it
        assert len(printed.splitlines()) >= len(sessions) + len(checked_later)
