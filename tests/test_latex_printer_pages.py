"""The printer on the site: the preview endpoint over HTTP and the staff wrong-answer table."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from courseware.models import Membership
from tests.support.histories import graded, power_rule, variant
from tests.support.people import PASSWORD, api_key_for, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_client(bank):
    learner = learner_in(make_course())
    return Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})


@pytest.mark.parametrize(
    ("value", "latex"),
    [
        ("1/x", r"\frac{1}{x}"),
        ("-(x-mu)^2", r"-\left(x - \mu\right)^{2}"),
        ("1/(sigma sqrt(2pi))", r"\frac{1}{\sigma \sqrt{2 \pi}}"),
        ("x - 2mu", r"x - 2 \mu"),
    ],
)
def test_the_preview_endpoint_prints_the_answer_as_written(api_client, value, latex):
    body = {"exercise": "m6-model-partials", "part": "gaussian", "value": value}
    response = api_client.post("/api/v1/preview", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    assert response.json()["latex"] == latex


def test_the_staff_wrong_answer_table_shows_the_answers_as_written(bank):
    course = make_course("calc2")
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    power = power_rule()
    attempt = variant(learner_in(course, "ann"), power, {"a": 3, "k": 2}, course)
    graded(attempt, {"value": "1/x"}, 0.0)
    graded(attempt, {"value": "-(x-1)^2"}, 0.0, minutes=1)
    staff = Client()
    assert staff.login(username="prof", password=PASSWORD)
    page = staff.get("/courses/calc2/staff/exercises/t-power-rule/").content.decode()
    assert r'<span class="math">\frac{1}{x}</span>' in page
    assert r'<span class="math">-\left(x - 1\right)^{2}</span>' in page
    assert "1 \\frac" not in page and "\\left(-1\\right)" not in page
