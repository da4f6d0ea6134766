"""The Taylor explorer in Chromium: choosing an order and a centre redraws the picture in place,
then the learner answers the question about the error and sees the verdict."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from grader.answers.number import expected_value
from tests.e2e.conftest import screenshot, sign_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m4-taylor-explorer/"


def test_a_learner_explores_orders_and_centres_then_answers_about_the_error(
    page, live_site, live_worker, bank
):
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(f"{live_site}{URL}")
    explorer = page.locator("#taylor-explorer")
    caption = explorer.locator("figcaption")
    expect(caption).to_have_text("f(x) and its Taylor polynomial of order 1 about x = -1")
    first_picture = explorer.locator("svg.chart").inner_html()
    url = page.url

    explorer.get_by_role("combobox", name="Order").select_option("6")
    expect(caption).to_have_text("f(x) and its Taylor polynomial of order 6 about x = -1")
    explorer.get_by_role("combobox", name="Centre").select_option(label="x = 1")
    expect(caption).to_have_text("f(x) and its Taylor polynomial of order 6 about x = 1")
    assert explorer.locator("svg.chart").inner_html() != first_picture
    assert page.url == url  # redrawn in place, no page load
    expect(explorer.locator("svg.chart polyline")).not_to_have_count(0)
    screenshot(page, "taylor-explorer")

    attempt = Attempt.objects.get(learner=learner)
    params = attempt.params
    error = expected_value("abs(((x1 - a)/(c - a))^(n + 1)/(c - x1))", params)
    page.get_by_label(f"|f({params['x1']:g}) - T").fill(f"{error:.6g}")
    converges = abs(params["x1"] - params["a"]) < abs(params["c"] - params["a"])
    page.get_by_label("shrinks towards zero" if converges else "grows without bound").check()
    page.get_by_role("button", name="Submit").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("Correct", timeout=45_000)
    expect(result).to_contain_text("score 100%")
    screenshot(page, "taylor-explorer-graded")
    assert page.console_errors == []
