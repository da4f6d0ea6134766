"""The verdict pushed to the page: the push service tells a listener the moment its submission is
graded, over server-sent events, holding no thread and reading no session; a forged or expired
link is refused, and a page without push still polls."""

import os
import re
import threading
import time
from datetime import timedelta

import pytest
import requests
from django.core import signing
from django.test import Client
from django.utils import timezone

from courseware.grading import events as grading_events
from courseware.grading.intake import submit
from courseware.models import Exercise
from courseware.tasks import grade_submission
from courseware.variants import current_attempt
from tangent import redis_client
from tests.support.people import PASSWORD, learner_in, make_course


def listen(
    url: str, into: list[str], timeout: float = 20, headers: dict | None = None
) -> threading.Thread:
    """Read the stream's events into `into` in the background (status, names, then "closed")."""

    def read():
        with requests.get(url, stream=True, timeout=timeout, headers=headers) as response:
            into.append(str(response.status_code))
            for line in response.iter_lines(decode_unicode=True):
                if line.startswith("event: "):
                    into.append(line.removeprefix("event: "))
        into.append("closed")

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def test_a_token_names_one_submission_and_cannot_be_forged(settings):
    token = grading_events.token_for(42)
    assert grading_events.submission_in(token) == 42
    assert grading_events.submission_in(token[:-2] + "xx") is None
    other = signing.dumps(42, salt="another purpose", compress=False)
    assert grading_events.submission_in(other) is None


def test_a_listener_hears_graded_the_moment_it_is_announced(events):
    token = grading_events.token_for(9001)
    heard: list[str] = []
    thread = listen(f"{events}/graded/{token}", heard)
    time.sleep(0.5)  # subscribed
    grading_events.announce_graded([9001])
    thread.join(10)
    assert heard == ["200", "graded", "closed"]


def test_a_code_gradings_progress_is_heard_so_the_page_shows_tests_done(events):
    heard: list[str] = []
    thread = listen(f"{events}/graded/{grading_events.token_for(9004)}", heard)
    time.sleep(0.5)
    grading_events.announce_progress(9004)
    thread.join(10)
    assert heard == ["200", "progress", "closed"]


def test_a_listener_that_comes_after_the_grading_hears_it_at_once(events):
    grading_events.announce_graded([9002])
    heard: list[str] = []
    listen(f"{events}/graded/{grading_events.token_for(9002)}", heard).join(10)
    assert heard == ["200", "graded", "closed"]


def test_a_rush_of_listeners_shares_one_subscription_and_each_hears_its_own(events):
    """More waiting pages than the service has Redis connections: each listener costs a future,
    not a connection, and hears only its own submission's event."""
    count = 300
    heard: dict[int, list[str]] = {n: [] for n in range(9100, 9100 + count)}
    threads = [listen(f"{events}/graded/{grading_events.token_for(n)}", heard[n]) for n in heard]
    deadline = time.monotonic() + 20
    while sum(bool(h) for h in heard.values()) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(h == ["200"] for h in heard.values())  # every stream open, none has heard yet
    for n in heard:
        grading_events.announce_progress(n) if n % 2 else grading_events._publish([n], "graded")
    for thread in threads:
        thread.join(10)
    assert {n: h for n, h in heard.items() if h != ["200", "progress" if n % 2 else "graded",
            "closed"]} == {}  # fmt: skip


def test_a_broken_subscription_tells_its_listeners_to_check_and_the_next_one_resubscribes(events):
    waiting: list[str] = []
    listen(f"{events}/graded/{grading_events.token_for(9501)}", waiting)
    time.sleep(0.5)
    client = redis_client.client()
    mine = f"tangent-events-{os.getpid()}"
    for connection in client.client_list(_type="pubsub"):
        if connection["name"] == mine:
            client.client_kill_filter(_id=connection["id"])
    deadline = time.monotonic() + 10
    while waiting[-1:] != ["closed"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert waiting == ["200", "timeout", "closed"]  # the page fetches, then listens again
    again: list[str] = []
    thread = listen(f"{events}/graded/{grading_events.token_for(9501)}", again)
    time.sleep(0.5)
    grading_events._publish([9501], "graded")
    thread.join(10)
    assert again == ["200", "graded", "closed"]


@pytest.mark.django_db
def test_a_grading_whose_announcement_was_lost_is_announced_again(events, bank):
    learner = learner_in(make_course())
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    right = {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}}
    graded, queued = submit(attempt, right), submit(attempt, right)
    # Graded in this test's transaction, which never commits: its "graded" is never published,
    # as when a worker dies between its commit and the publish.
    grade_submission.apply(args=(graded.pk, 1))
    heard: list[str] = []
    listen(f"{events}/graded/{grading_events.token_for(graded.pk)}", heard)
    time.sleep(0.5)  # subscribed
    a_minute_on = timezone.now() + timedelta(seconds=grading_events.MISSED_SECONDS + 1)
    assert grading_events.announce_missed(a_minute_on) == 0  # too old to look at by then

    assert grading_events.announce_missed() == 1
    deadline = time.monotonic() + 10
    while heard[-1:] != ["closed"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert heard == ["200", "graded", "closed"]
    assert not redis_client.client().exists(grading_events.done_key(queued.pk))
    assert grading_events.announce_missed() == 0  # remembered now


def test_a_forged_link_is_refused(events):
    response = requests.get(f"{events}/graded/not-a-token", timeout=10)
    assert response.status_code == 403
    assert "not valid or has expired" in response.text
    assert requests.get(events.replace("/events", "/admin/"), timeout=10).status_code == 404


def test_a_quiet_stream_ends_with_timeout_so_the_page_polls(events, monkeypatch):
    monkeypatch.setattr("tangent.events.LISTEN_SECONDS", 1.0)
    heard: list[str] = []
    listen(f"{events}/graded/{grading_events.token_for(9003)}", heard).join(10)
    assert heard == ["200", "timeout", "closed"]


@pytest.mark.django_db
def test_a_pending_fragment_carries_its_events_link_and_a_page_without_push_polls(settings, bank):
    learner = learner_in(make_course())
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    submission = submit(attempt, {"parts": {"secant": {"value": "1"}, "tangent": {"value": "2"}}})
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    settings.TANGENT_EVENTS_URL = "/events"
    pending = client.get(f"/submissions/{submission.pk}/").content.decode()
    [link] = re.findall(r'data-events="/events/graded/([^"]+)"', pending)
    assert grading_events.submission_in(link) == submission.pk
    settings.TANGENT_EVENTS_URL = ""
    polled = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert 'data-events=""' in polled and re.search(r'data-poll-ms="[1-9]\d*"', polled)
