"""The verdict pushed to the page in Chromium: with polling slowed to once a minute, the verdict
still appears as soon as the worker records it; with the push service away, polling brings it."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt
from tests.e2e.conftest import sign_in
from tests.e2e.test_expression_browser import reference_text
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m1-chain-rule/"


@pytest.fixture
def slow_polling(monkeypatch):
    monkeypatch.setattr("courseware.grading.intake.POLL_DELAYS", ())
    monkeypatch.setattr("courseware.grading.intake.POLL_DELAY_LONGEST", 60_000)


def answer_correctly(page, site, learner):
    sign_in(page, site, learner.username)
    page.goto(site + URL)
    attempt = Attempt.objects.get(learner=learner)
    page.get_by_label("Your answer").fill(reference_text(attempt))
    page.get_by_role("button", name="Submit", exact=True).click()
    return page.get_by_role("status", name="Grading result")


def test_the_verdict_is_pushed_without_waiting_for_a_poll(
    page, live_site, live_worker, events, slow_polling, bank
):
    learner = learner_in(make_course())
    live_worker()
    status = answer_correctly(page, live_site, learner)
    expect(status).to_contain_text("Correct", timeout=12_000)  # a poll would wait 60 s
    assert page.console_errors == []


def test_without_the_push_service_the_page_polls(page, live_site, live_worker, settings, bank):
    settings.TANGENT_EVENTS_URL = "http://127.0.0.1:9/events"  # nothing listens there
    learner = learner_in(make_course())
    live_worker()
    status = answer_correctly(page, live_site, learner)
    expect(status).to_contain_text("Correct", timeout=45_000)
