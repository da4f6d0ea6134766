"""The verdict pushed to the page in Chromium: with polling slowed to once a minute, the verdict
still appears as soon as the worker records it; with the push service away, polling brings it;
an event lost on the way is announced again by the beat's next look, long before the page's own
check; a listen the service ends quietly is opened again without a request to the web."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt, Submission
from courseware.tasks import announce_missed_gradings, grade_submission
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


def test_a_lost_event_is_announced_again_by_the_beat(
    page, live_site, no_workers, events, slow_polling, monkeypatch, bank
):
    # The grading is recorded, but "graded" never reaches the push service.
    monkeypatch.setattr("courseware.grading.events.announce_done", lambda submission_id: None)
    learner = learner_in(make_course())
    status = answer_correctly(page, live_site, learner)
    pending = page.locator(".grading.pending")
    expect(pending).to_have_attribute("data-safety-ms", "60000")
    expect(pending).to_have_attribute("data-push", "live")
    submission = Submission.objects.get(attempt__learner=learner)
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    assert announce_missed_gradings.apply().get() == 1  # the beat's next look, within 5 s
    # A poll would come after 60 s, the page's own check too, and the push service says nothing
    # for 55 s.
    expect(status).to_contain_text("Correct", timeout=12_000)
    assert page.console_errors == []


def test_a_quiet_listen_is_opened_again_without_asking_the_web(
    page, live_site, no_workers, events, slow_polling, monkeypatch, bank
):
    monkeypatch.setattr("tangent.events.LISTEN_SECONDS", 0.3)  # the service's 55 s, shortened
    listens, fetches = [], []
    page.on(
        "request", lambda request: listens.append(1) if "/events/graded/" in request.url else None
    )
    page.on(
        "request", lambda request: fetches.append(1) if "/submissions/" in request.url else None
    )
    learner = learner_in(make_course())
    status = answer_correctly(page, live_site, learner)
    expect(page.locator(".grading.pending")).to_have_attribute("data-push", "live")
    for _ in range(100):
        if len(listens) >= 4:
            break
        page.wait_for_timeout(100)
    assert len(listens) >= 4  # each quiet end opened a new listen
    assert fetches == []  # and none asked the web
    submission = Submission.objects.get(attempt__learner=learner)
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    expect(status).to_contain_text("Correct", timeout=12_000)
    assert len(fetches) == 1
    assert page.console_errors == []
