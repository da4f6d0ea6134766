"""Expression answers in Chromium: live preview, a located error, a mistake's feedback, the math keyboard."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from courseware.variants import definition_of
from grader.answers.expression import authored
from tests.e2e.conftest import screenshot, sign_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m1-chain-rule/"


def reference_text(attempt, key="answer", index=None):
    part = definition_of(attempt).parts[0]
    text = part.config["answer"] if index is None else part.config["mistakes"][index]["answer"]
    return str(authored(part, text, attempt.params).value)


def test_typing_shows_a_preview_and_a_located_error_then_mistake_feedback(
    page, live_site, live_worker, bank
):
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(live_site + URL)
    answer = page.get_by_label("Your answer")
    answer.fill("2x sin(x")
    preview = page.locator("output.preview")
    expect(preview).to_contain_text("unbalanced `(` at column 7")
    answer.fill("2x sin(x)")
    expect(preview).to_contain_text("We read your answer as")
    expect(preview.locator(".katex")).to_be_visible()
    screenshot(page, "expression-preview")

    attempt = Attempt.objects.get(learner=learner)
    answer.fill(reference_text(attempt, index=0))  # the "forgot the inner derivative" mistake
    page.get_by_role("button", name="Submit").click()
    status = page.get_by_role("status", name="Grading result")
    expect(status).to_contain_text("Incorrect", timeout=45_000)
    expect(status).to_contain_text("You differentiated the outer function but not the inner one")
    screenshot(page, "expression-mistake")

    answer.fill(reference_text(attempt))
    page.get_by_role("button", name="Submit").click()
    expect(status).to_contain_text("Correct", timeout=45_000)
    expect(status).to_contain_text("score 100%")


def test_the_math_keyboard_sends_latex_through_the_same_parser(page, live_site, live_worker, bank):
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(live_site + URL)
    page.route("**/mathlive.min.js", lambda route: route.abort())  # the keyboard cannot load
    keyboard = page.locator("button[data-math-keyboard]")
    keyboard.click()
    expect(keyboard).to_have_text("Math keyboard (did not load: try again)")
    expect(page.locator("math-field")).to_have_count(0)
    page.unroute("**/mathlive.min.js")
    keyboard.click()
    expect(keyboard).to_have_text("Text input")
    field = page.locator("math-field")
    expect(field).to_be_visible()
    expect(field).to_be_focused()
    page.keyboard.type("x+1")
    preview = page.locator("output.preview")
    expect(preview).to_contain_text("We read your answer as", timeout=5_000)
    screenshot(page, "math-keyboard")
    page.get_by_role("button", name="Submit").click()
    status = page.get_by_role("status", name="Grading result")
    expect(status).to_contain_text("Incorrect", timeout=45_000)
    expect(status).to_contain_text("the expected value is")
    assert page.console_errors == ["Failed to load resource: net::ERR_FAILED"]  # the aborted one
