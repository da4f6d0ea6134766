"""/metrics: Prometheus text for scrapers with the token and for superusers; 404 for everyone else."""

import pytest
from django.test import Client

from courseware.models import Attempt, Exercise
from courseware.submissions import submit
from courseware.tasks import grade_submission
from courseware.variants import current_attempt
from tests.support.people import PASSWORD, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db


def test_metrics_need_the_token_or_a_superuser(settings):
    settings.METRICS_TOKEN = "scrape-me"
    assert Client().get("/metrics").status_code == 404
    assert Client(headers={"authorization": "Bearer wrong"}).get("/metrics").status_code == 404
    learner = make_user("ada")
    client = Client()
    client.login(username="ada", password=PASSWORD)
    assert client.get("/metrics").status_code == 404
    assert learner.pk
    ok = Client(headers={"authorization": "Bearer scrape-me"}).get("/metrics")
    assert ok.status_code == 200
    assert ok["Content-Type"].startswith("text/plain; version=0.0.4")


def test_metrics_count_queue_submissions_verdicts_and_latency(settings, bank):
    settings.METRICS_TOKEN = "scrape-me"
    learner = learner_in(make_course())
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-graph-derivative-match"))
    for choice in ("derivative", "negated", "negated"):
        grade_submission.apply(args=(submit(attempt, {"choices": [choice]}).pk, 1))
    submit(attempt, {"choices": ["derivative"]})  # still queued
    text = Client(headers={"authorization": "Bearer scrape-me"}).get("/metrics").content.decode()
    assert 'tangent_gradings_total{verdict="correct"} 1' in text
    assert 'tangent_gradings_total{verdict="incorrect"} 2' in text
    assert 'tangent_submissions{status="queued"} 1' in text
    assert 'tangent_submissions{status="graded"} 3' in text
    assert 'tangent_grading_seconds{kind="choice",quantile="0.95"}' in text
    assert "tangent_submit_to_verdict_seconds" in text
    assert "tangent_queue_depth" in text and "tangent_workers 0" in text
    assert Attempt.objects.count() == 1
