"""Open edX XQueue: what the worker answers for each kind of submission, as the LMS shows it."""

from __future__ import annotations

import json
from io import StringIO
from xml.etree.ElementTree import fromstring

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from api.learners import learner_for
from courseware.accounts import service_user
from courseware.models import Exercise, Submission
from courseware.variants import attempt_with_seed, table_seed
from lms.models import XQueueSubmission
from lms.outbound import UnsafeUrl, check_url
from tangent.celery import app
from tests.support.grading import expression_text
from tests.support.people import api_key_for, make_user
from tests.support.sandbox import require_sandbox
from tests.support.xqueue_server import FakeXQueue
from tests.support.xqueue_worker import xqueue_body

pytestmark = pytest.mark.django_db(transaction=True)

CHAIN_MISSING_INNER = "subs(diff(outer, x), x, inner)"


@pytest.fixture
def eager():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def server(bank, eager):
    with FakeXQueue() as running:
        yield running


def run_once(server: FakeXQueue, *extra: str) -> str:
    out = StringIO()
    call_command(
        "xqueue_worker", "--url", server.url, "--queue", server.queue, "--username", "tangent",
        "--allow-private-host", "127.0.0.1", "--once", *extra, stdout=out,
    )  # fmt: skip
    return out.getvalue()


@pytest.fixture(autouse=True)
def password(monkeypatch):
    monkeypatch.setenv("XQUEUE_PASSWORD", "secret")


def variant_attempt(student: str = "anon-1", row: int = 3, slug: str = "m1-chain-rule"):
    """The attempt Tangent grades a learner's answer to row `row` of the problem's table against."""
    learner = learner_for(service_user("xqueue-tangent-calc"), student)
    return attempt_with_seed(learner, Exercise.objects.get(slug=slug), table_seed(slug, row))


def only_result(server: FakeXQueue, number: int) -> dict:
    [result] = server.results(number)
    fromstring(result["msg"])  # noqa: S314 - our message: one element, as edx-platform parses it
    return result


def test_right_wrong_and_unreadable_answers_come_back_as_the_lms_shows_them(server):
    attempt = variant_attempt()
    right = server.submit(xqueue_body(expression_text(attempt)))
    wrong = server.submit(xqueue_body(expression_text(attempt, CHAIN_MISSING_INNER)))
    unreadable = server.submit(xqueue_body("-6*(cos(3x) + 5)*sin(3*x"))
    payload = '\n      {"exercise": "m1-chain-rule", "variants": 20}\n    '  # as XML text
    wrapped = server.submit(xqueue_body(expression_text(attempt), payload=payload))

    assert "Answered 4 submission(s)" in run_once(server)

    result = only_result(server, right)
    assert (result["correct"], result["score"]) == (True, 1.0)
    assert result["msg"].startswith('<div class="tangent-feedback"><p><strong>Correct</strong>')
    result = only_result(server, wrong)
    assert (result["correct"], result["score"]) == (False, 0.0)
    assert "<strong>Incorrect</strong>" in result["msg"]
    assert "derivative of the inner function, \\(g'(x)\\)" in result["msg"]
    assert "$" not in result["msg"]
    result = only_result(server, unreadable)
    assert (result["correct"], result["score"]) == (None, 0.0)
    assert result["msg"].startswith('<div class="capa_alert tangent-feedback">')
    assert "Not graded:</strong> Could not read your answer: unbalanced" in result["msg"]

    assert server.logins == 1
    graded = Submission.objects.filter(xqueue__isnull=False).select_related("grading")
    assert sorted(s.grading.verdict for s in graded) == ["correct", "correct", "incorrect"]
    assert {s.attempt_id for s in graded} == {attempt.pk}
    assert XQueueSubmission.objects.get(xqueue_id=unreadable).submission is None
    assert only_result(server, wrapped)["correct"] is True


MALFORMED = [
    ("not json at all", "not in Open edX's XQueue format"),
    (xqueue_body("1", payload="m1-chain-rule"), "grader_payload is not JSON"),
    (xqueue_body("1", payload='["m1-chain-rule"]'), "grader_payload must be a JSON object"),
    (xqueue_body("1", payload='{"slug": "m1-chain-rule"}'), "grader_payload names no exercise"),
    (xqueue_body("1", payload="  \n "), "grader_payload is empty"),
    (xqueue_body("1", "m9-does-not-exist"), "“m9-does-not-exist”, which does not exist"),
    (xqueue_body("1", variants=None), "this problem does not show yours"),
    (xqueue_body("1", variants=0), '"variants" in its grader_payload must be'),
    ({**xqueue_body("1"), "student_info": "{not json"}, "student_info is not readable"),
    ({**xqueue_body("1"), "student_info": "{}"}, "does not say who sent it"),
    ({**xqueue_body("1"), "student_response": ["1"]}, "answer is not text"),
]


def test_malformed_submissions_are_each_answered_once_as_not_graded_and_the_queue_goes_on(
    server,
):
    right = expression_text(variant_attempt())
    first = server.submit(xqueue_body(right))
    bad = [(server.submit(body), reason) for body, reason in MALFORMED]
    last = server.submit(xqueue_body(right, student="anon-2"))  # the same row of the table

    assert f"Answered {len(MALFORMED) + 2} submission(s)" in run_once(server)

    for number, reason in bad:
        result = only_result(server, number)
        assert (result["correct"], result["score"]) == (None, 0.0), reason
        assert reason in result["msg"]
        assert "Please tell the course staff." in result["msg"]
    assert only_result(server, first)["correct"] is True
    assert only_result(server, last)["correct"] is True
    assert Submission.objects.count() == 2


def test_code_feedback_is_preformatted_and_each_hint_shown_once(server):
    require_sandbox()
    sigma_itself = "import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n"
    number = server.submit(xqueue_body(sigma_itself, "m3-d-sigma", variants=None))
    run_once(server)
    result = only_result(server, number)
    assert result["correct"] is False
    root = fromstring(result["msg"])  # noqa: S314 - our own message
    tests = [pre.text for pre in root.iter("pre")]
    assert any("expected" in text and "\n  got " in text for text in tests)
    assert result["msg"].count("You returned σ(z) itself") == 1


@pytest.mark.django_db
def test_the_worker_stops_with_a_clear_message_when_its_configuration_is_refused(monkeypatch):
    with FakeXQueue() as server:
        for queue, password, refusal in [
            (server.queue, "not-the-password", "Incorrect login credentials"),
            ("tangent-typo", "secret", "Valid queue names are: tangent-calc"),
        ]:
            monkeypatch.setenv("XQUEUE_PASSWORD", password)
            with pytest.raises(CommandError, match=refusal) as refused:
                call_command(
                    "xqueue_worker", "--url", server.url, "--queue", queue, "--username",
                    "tangent", "--allow-private-host", "127.0.0.1", "--once",
                )  # fmt: skip
            assert refused.value.returncode == 78


@pytest.mark.django_db
def test_only_the_allow_listed_queue_host_may_be_reached_over_http_or_privately(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    settings.XQUEUE_ALLOWED_HOSTS = []
    with FakeXQueue() as server:
        with pytest.raises(CommandError, match="must use https") as refused:
            call_command(
                "xqueue_worker", "--url", server.url, "--queue", server.queue, "--username",
                "tangent", "--once",
            )  # fmt: skip
        assert refused.value.returncode == 78
        settings.XQUEUE_ALLOWED_HOSTS = ["127.0.0.1"]  # TANGENT_XQUEUE_ALLOWED_HOSTS=127.0.0.1
        out = StringIO()
        call_command(
            "xqueue_worker", "--url", server.url, "--queue", server.queue, "--username",
            "tangent", "--once", stdout=out,
        )  # fmt: skip
        assert "Answered 0 submission(s)" in out.getvalue()

    assert check_url("http://xqueue:18040", ["xqueue"]) == "http://xqueue:18040"
    for url in (
        "http://xqueue.example.org:18040",
        "http://user@xqueue.evil.example/",
        "http://127.0.0.1:18040",
        "https://10.0.0.5/",
        "ftp://xqueue/",
    ):
        with pytest.raises(UnsafeUrl):
            check_url(url, ["xqueue"])


@pytest.mark.django_db
def test_the_queue_hosts_allowance_does_not_extend_to_webhooks(settings):
    settings.OUTBOUND_ALLOW_PRIVATE = False
    settings.XQUEUE_ALLOWED_HOSTS = ["127.0.0.1", "xqueue"]
    key = api_key_for(make_user("client"))
    api = Client(headers={"authorization": f"Bearer {key}"})
    for url in ("http://127.0.0.1:18040/hook", "http://xqueue/hook"):
        response = api.post(
            "/api/v1/webhooks", json.dumps({"url": url}), content_type="application/json"
        )
        assert response.status_code == 422, url
