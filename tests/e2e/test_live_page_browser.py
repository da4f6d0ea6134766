"""The learner's loop in real time, in Chromium: the pushed verdict brings the rest of the page with
it (the hint a wrong answer releases, the new row of the attempt history, then the best score,
"solved" and the worked solution), with no reload; the status region announces the verdict."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from tests.e2e.test_expression_browser import reference_text
from tests.e2e.test_learner_browser import log_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m1-chain-rule/"


def test_the_verdict_brings_hints_history_score_and_solution_without_a_reload(
    page, live_site, live_worker, events, bank
):
    learner = learner_in(make_course())
    live_worker()
    log_in(page, live_site, learner.username)
    page.goto(live_site + URL)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    attempt = Attempt.objects.get(learner=learner)
    answer = page.get_by_label("Your answer")
    submit = page.get_by_role("button", name="Submit", exact=True)
    status = page.get_by_role("status", name="Grading result")
    hints = page.locator("#hints")
    history = page.locator("#history tbody tr")
    expect(hints).to_be_hidden()
    expect(page.locator("#history")).to_contain_text("No attempts yet.")

    answer.fill(reference_text(attempt, index=0))
    submit.click()
    expect(status).to_contain_text("Incorrect", timeout=45_000)
    expect(page.get_by_role("heading", name="Hints")).to_be_visible()
    expect(hints.locator("li")).to_have_count(1)
    expect(hints.locator(".katex").first).to_be_visible()  # its math typeset after the swap
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Incorrect")
    expect(page.locator("#exercise-progress")).to_contain_text("Best score 0%")
    expect(status).not_to_contain_text("Hints")  # the status region holds the verdict alone
    expect(page.locator("#solution")).to_be_hidden()

    answer.fill(reference_text(attempt))
    submit.click()
    expect(status).to_contain_text("Correct", timeout=45_000)
    expect(page.locator("#exercise-progress")).to_contain_text("Best score 100% · solved")
    expect(page.get_by_role("heading", name="Worked solution")).to_be_visible()
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Correct")
    assert page.evaluate("window.loadedOnce") is True
    assert page.console_errors == []
