"""/metrics: Prometheus text for scrapers with the token and for superusers; 404 for everyone else."""

import pytest
from django.test import Client

from courseware.grading.intake import submit
from courseware.models import Exercise
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


def scrape() -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics: (name, sorted labels) → value."""
    from prometheus_client.parser import text_string_to_metric_families

    text = Client(headers={"authorization": "Bearer scrape-me"}).get("/metrics").content.decode()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_verdicts_and_latency_as_gradings_are_recorded(
    settings, bank, django_capture_on_commit_callbacks, no_workers
):
    settings.METRICS_TOKEN = "scrape-me"
    learner = learner_in(make_course())
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-graph-derivative-match"))
    before = scrape()
    for choice in ("derivative", "negated", "negated"):
        with django_capture_on_commit_callbacks(execute=True):  # counted once committed
            grade_submission.apply(args=(submit(attempt, {"choices": [choice]}).pk, 1))
    submit(attempt, {"choices": ["derivative"]})  # still queued
    after = scrape()

    def added(name, **labels):
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0) - before.get(key, 0)

    assert added("tangent_gradings_total", verdict="correct") == 1
    assert added("tangent_gradings_total", verdict="incorrect") == 2
    assert added("tangent_grading_seconds_count", kind="choice") == 3
    assert added("tangent_grading_seconds_bucket", kind="choice", le="+Inf") == 3
    assert added("tangent_submit_to_verdict_seconds_count") == 3
    assert after[("tangent_queue_depth", (("queue", "grading"),))] >= 0
    assert after[("tangent_workers", ())] == 0 and after[("tangent_broker_up", ())] == 1


def test_a_scrape_reads_no_table(settings, django_assert_max_num_queries):
    """Counters are kept as gradings happen: scraping costs nothing however many there are."""
    settings.METRICS_TOKEN = "scrape-me"
    with django_assert_max_num_queries(0):
        assert "tangent_gradings_total" in str(scrape())
