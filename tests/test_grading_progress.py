"""While code is being graded, the page shows how many of its tests are done."""

from __future__ import annotations

import pytest
from django.test import Client

from courseware.grading import progress
from courseware.models import Attempt, Submission
from courseware.tasks import grade_submission
from grader.answers import code
from grader.progress import reporting
from tangent import redis_client
from tests.support.people import PASSWORD, learner_in, make_course
from tests.support.sandbox import CORRECT_D_SIGMA, d_sigma_part, require_sandbox

URL = "/courses/calc/exercises/m3-d-sigma/"


def test_code_grading_reports_every_test_done_from_none_to_all():
    require_sandbox()
    heard = []
    with reporting(lambda done, total: heard.append((done, total))):
        result = code.grade(d_sigma_part(seconds=5), {}, {"code": CORRECT_D_SIGMA})
    total = len([item for item in result.feedback if item.type == "test"])
    assert heard[0] == (0, total) and heard[-1] == (total, total)
    assert [done for done, _ in heard] == list(range(total + 1))


def test_progress_is_stored_a_few_times_per_grading_not_once_per_test():
    record = progress.progress_recorder(12345)
    before = _set_calls()
    for done in range(1001):
        record(done, 1000)
    assert _set_calls() - before <= 3  # the first, perhaps one on the way, and the last
    assert progress.grading_progress(12345) == (1000, 1000)


def test_a_listening_page_hears_progress_only_of_a_grading_that_takes_a_while(monkeypatch):
    clock, told = [100.0], []
    monkeypatch.setattr(progress.time, "monotonic", lambda: clock[0])
    monkeypatch.setattr(
        "courseware.grading.events.announce_progress", lambda submission_id: told.append(clock[0])
    )
    quick = progress.progress_recorder(12346)
    for done in range(6):  # all in an instant: the page hears "graded" alone
        quick(done, 5)
    assert told == [] and progress.grading_progress(12346) == (5, 5)

    slow = progress.progress_recorder(12347)
    for at, done in [(100.0, 0), (100.6, 1), (100.7, 2), (101.2, 3), (101.3, 5)]:
        clock[0] = at
        slow(done, 5)
    assert told == [100.6, 101.2]  # not at the start, not twice in 0.5 s, not the last
    assert progress.grading_progress(12347) == (5, 5)


def _set_calls() -> int:
    return redis_client.client().info("commandstats").get("cmdstat_set", {}).get("calls", 0)


@pytest.fixture
def client(bank):
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    client.get(URL)
    return client


def submitted(client) -> Submission:
    attempt = Attempt.objects.get()
    client.post(URL + "submit/", {"attempt": attempt.pk, "part-code": CORRECT_D_SIGMA})
    return attempt.submissions.get()


def test_the_polling_fragment_shows_how_many_tests_are_done(client):
    submission = submitted(client)
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.RUNNING)
    progress.progress_recorder(submission.pk)(3, 10)
    fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Grading…" in fragment and "3 of 10 tests done" in fragment


def test_a_grading_by_the_worker_counts_up_to_all_of_its_tests(client):
    require_sandbox()
    submission = submitted(client)
    grade_submission.apply(args=(submission.pk, 1))
    done, total = progress.grading_progress(submission.pk)
    assert done == total > 1
    fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Correct" in fragment and "tests done" not in fragment
