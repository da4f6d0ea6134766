"""A learner in Chromium solves variant 1 and asks for variant 2: none of variant 2's help shows."""

import re

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from courseware.option_tokens import option_token
from tests.e2e.conftest import screenshot, sign_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
SLUG = "m1-graph-derivative-match"
OPTION_IDS = ("derivative", "negated", "second-derivative", "shifted")


def test_solving_variant_1_shows_no_solution_of_variant_2(page, live_site, live_worker, bank):
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(f"{live_site}/courses/calc/exercises/{SLUG}/")
    expect(page.get_by_text("Variant 1")).to_be_visible()
    solution = page.get_by_role("heading", name="Worked solution")
    expect(solution).to_have_count(0)

    first = Attempt.objects.get(learner=learner)
    page.locator(f'input[value="{option_token(first.pk, "answer", "derivative")}"]').check()
    page.get_by_role("button", name="Submit").click()
    result = page.get_by_role("status", name="Grading result")
    expect(result).to_contain_text("Correct", timeout=45_000)
    page.reload()
    expect(solution).to_be_visible()  # variant 1 is solved: its worked solution shows

    page.get_by_role("button", name="Try another variant").click()
    expect(page.get_by_text("Variant 2")).to_be_visible()
    screenshot(page, "variant-2-after-solving-variant-1")
    expect(solution).to_have_count(0)
    expect(page.get_by_role("heading", name="Hints")).to_have_count(0)
    html = page.content()
    assert "turning points" not in html  # the worked solution's text
    values = set(re.findall(r'value="([^"]*)"', html))
    assert not values & set(OPTION_IDS)
    second = Attempt.objects.filter(learner=learner).latest("number")
    tokens = {option_token(second.pk, "answer", option_id) for option_id in OPTION_IDS}
    assert tokens <= values
    assert page.console_errors == []
