"""New variants (attempts) per learner and exercise are bounded, on the page and in the API."""

import json

import pytest
from django.test import Client

from courseware.models import Attempt
from tests.support.people import PASSWORD, api_key_for, make_user

pytestmark = pytest.mark.django_db
URL = "/courses/calc/exercises/m1-power-sum/"


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


def test_another_variant_forty_times_stops_at_the_bound_per_minute(client, learner, settings):
    bound = settings.RATE_LIMITS["attempts"][0]
    codes = [client.post(URL + "another-variant/").status_code for _ in range(40)]
    assert codes == [302] * bound + [429] * (40 - bound)
    assert Attempt.objects.filter(learner=learner).count() == bound
    refused = client.post(URL + "another-variant/")
    assert 0 < int(refused["Retry-After"]) <= 60
    page = refused.content.decode()
    assert "Too many requests" in page
    assert "You have drawn many variants of this exercise; try again in" in page
    assert client.get(URL).status_code == 200  # the current variant is still there to work on
    other = client.post("/courses/calc/exercises/m1-chain-rule/another-variant/")
    assert other.status_code == 302  # the bound is per exercise


def test_attempts_per_day_are_bounded_too(client, learner, settings):
    settings.RATE_LIMITS = {
        **settings.RATE_LIMITS,
        "attempts": (100, 60),
        "attempts-day": (3, 86400),
    }
    codes = [client.post(URL + "another-variant/").status_code for _ in range(4)]
    assert codes == [302, 302, 302, 429]
    assert Attempt.objects.filter(learner=learner).count() == 3


def test_api_variants_stop_at_the_bound_with_problem_json(bank, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "attempts": (3, 60)}
    api = Client(headers={"authorization": f"Bearer {api_key_for(make_user('lms'))}"})
    url = "/api/v1/exercises/m1-power-sum/variants"
    body = json.dumps({"learner": "s-1"})
    responses = [api.post(url, body, content_type="application/json") for _ in range(5)]
    assert [r.status_code for r in responses] == [201, 201, 201, 429, 429]
    refused = responses[-1]
    assert refused["Content-Type"] == "application/problem+json"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert refused.json()["status"] == 429
    assert "You have drawn many variants of this exercise" in refused.json()["detail"]
    assert Attempt.objects.filter(exercise_version__exercise__slug="m1-power-sum").count() == 3
    other = api.post(url, json.dumps({"learner": "s-2"}), content_type="application/json")
    assert other.status_code == 201  # per learner
