"""A learner in Chromium: logs in, answers a module-1 question, sees the verdict without a reload."""

import re

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from tests.e2e.conftest import screenshot, sign_in
from tests.support.grading import right_number_answers
from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def log_in_with_the_form(page, site, username):
    """The log-in form, as a learner fills it (the other tests sign in by a session cookie)."""
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()


def test_a_learner_answers_a_numeric_question_and_sees_the_verdict(
    page, live_site, live_worker, bank
):
    learner = learner_in(make_course())
    live_worker()
    log_in_with_the_form(page, live_site, learner.username)
    page.get_by_role("link", name="Calculus for ML").click()
    expect(page.get_by_role("heading", name="Assessments")).to_be_visible()
    screenshot(page, "course")
    page.get_by_role("link", name="Rise over run").first.click()  # the course's homework
    expect(page.get_by_role("heading", name="Rise over run")).to_be_visible()
    page.get_by_role("link", name="Rise over run").click()  # its item
    expect(page.locator(".prompt .katex").first).to_be_visible()  # the prompt's math is typeset
    screenshot(page, "exercise")

    right = right_number_answers(Attempt.objects.get(learner=learner))["parts"]
    page.get_by_label("Slope of the secant").fill(right["secant"]["value"])
    page.get_by_label("Gradient of the tangent").fill(right["tangent"]["value"])
    url = page.url
    page.get_by_role("button", name="Submit").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("Correct", timeout=45_000)
    expect(result).to_contain_text("score 100%")
    assert page.url == url  # no full page reload
    screenshot(page, "exercise-graded")
    assert page.console_errors == []


def test_an_unreadable_answer_is_explained_in_place(page, live_site, bank):
    learner = learner_in(make_course())
    sign_in(page, live_site, learner.username)
    page.goto(f"{live_site}/courses/calc/exercises/m1-rise-over-run/")
    page.get_by_label("Slope of the secant").fill("abc")
    page.get_by_label("Gradient of the tangent").fill("1")
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("alert")).to_contain_text(re.compile("`abc` is not a number"))
    screenshot(page, "exercise-invalid")
