"""A newcomer in Chromium: signs up, answers a matrix question, sees per-entry marks and their progress."""

import re

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from courseware.variants import definition_of
from grader.answers.matrix import expected_grid
from grader.mathinput.printing import as_text
from tests.e2e.conftest import screenshot
from tests.support.people import make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_newcomer_signs_up_answers_a_matrix_and_sees_progress(page, live_site, live_worker, bank):
    make_course()
    live_worker()
    page.goto(live_site + "/")
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Username").fill("newton")
    page.get_by_label("Email").fill("newton@example.com")
    page.get_by_label("Password", exact=True).fill("fluxions-1687!")
    page.get_by_label("Password confirmation").fill("fluxions-1687!")
    screenshot(page, "signup")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("Welcome to Tangent, newton.")).to_be_visible()
    page.get_by_role("link", name="Calculus for ML").click()
    screenshot(page, "course-before")

    page.goto(live_site + "/courses/calc/exercises/m2-jacobian/")
    attempt = Attempt.objects.get(learner__username="newton")
    part = definition_of(attempt).parts[0]
    grid, _ = expected_grid(part, part.config["answer"], attempt.params)
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            text = "0" if (i, j) == (1, 0) else as_text(cell.value)
            page.get_by_label(f"row {i + 1}, column {j + 1}", exact=True).fill(text)
    page.get_by_role("button", name="Submit").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("Partly correct", timeout=45_000)
    expect(result.get_by_label("row 2, column 1: wrong")).to_be_visible()
    expect(result.get_by_label("row 1, column 1: correct")).to_be_visible()
    screenshot(page, "matrix-marks")

    page.goto(live_site + "/courses/calc/")
    expect(
        page.get_by_text("Continue where you left off: The Jacobian of a vector function")
    ).to_be_visible()
    mastery = page.get_by_role("region", name="Mastery by topic")
    jacobian = mastery.get_by_role("row", name=re.compile(r"^The Jacobian \d"))
    expect(jacobian).to_contain_text("1 of")
    screenshot(page, "course-after")
