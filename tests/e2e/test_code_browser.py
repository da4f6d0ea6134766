"""A code answer in Chromium: the editor, "run my tests" with a failing test, then a passing answer; drafts survive a reload."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.support.people import learner_in, make_course
from tests.support.sandbox import require_sandbox

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m3-d-sigma/"
WRONG = (
    "import numpy as np\n\ndef d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 + s)\n"
)
RIGHT = (
    "import numpy as np\n\ndef d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"
)


def write_code(page, code):
    editor = page.locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(code)


def test_a_learner_runs_their_tests_then_submits_a_passing_function(
    page, live_site, live_worker, bank
):
    require_sandbox()
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(live_site + URL)
    expect(page.locator(".cm-editor")).to_be_visible()
    write_code(page, WRONG)
    page.reload()  # the draft is kept
    expect(page.locator(".cm-content")).to_contain_text("return s * (1 + s)")
    page.get_by_role("button", name="Run my tests").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("three values", timeout=45_000)
    expect(result).to_contain_text("failed")
    expect(result).to_contain_text("expected")
    screenshot(page, "code-run-tests")

    write_code(page, RIGHT)
    page.get_by_role("button", name="Submit").click()
    expect(result).to_contain_text("Correct", timeout=45_000)
    expect(result).to_contain_text("score 100%")
    screenshot(page, "code-correct")
    assert page.console_errors == []


def test_a_learner_sees_their_fitted_line_drawn_over_the_data(page, live_site, live_worker, bank):
    require_sandbox()
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(live_site + "/courses/calc/exercises/m6-linfit-py/")
    write_code(page, "def linfit(x, y):\n    return (x * y).sum() / (x * x).sum(), 0.0\n")
    page.get_by_role("button", name="Submit").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("Incorrect", timeout=45_000)
    figure = result.get_by_role("img", name="Your line y = mx + c over the data")
    expect(figure).to_be_visible()
    expect(figure.locator("polyline")).to_have_count(2)  # the learner's line and the best one
    screenshot(page, "code-fit-figure")
    assert page.console_errors == []  # nothing the CSP refused


def test_a_learner_downloads_the_notebook_and_uploads_it_back_for_grading(
    page, live_site, live_worker, bank, tmp_path
):
    import nbformat

    from grader.notebooks.build import ANSWER_TAG

    require_sandbox()
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(live_site + URL)
    with page.expect_download() as download:
        page.get_by_role("link", name="Open as notebook").click()
    assert download.value.suggested_filename == "m3-d-sigma.ipynb"
    notebook = nbformat.read(download.value.path(), as_version=4)
    nbformat.validate(notebook)
    next(c for c in notebook.cells if ANSWER_TAG in c.metadata.get("tags", [])).source = RIGHT
    written = tmp_path / "m3-d-sigma.ipynb"
    nbformat.write(notebook, written)
    page.get_by_label("Your notebook (.ipynb)").set_input_files(str(written))
    page.get_by_role("button", name="Upload and grade").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("Correct", timeout=45_000)
    expect(result).to_contain_text("Graded the code of cell")
    screenshot(page, "code-notebook-upload")
    assert page.console_errors == []
