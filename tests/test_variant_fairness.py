"""Variant fairness: a planted harder variant is flagged (Fisher exact, Holm-adjusted); fair ones are not."""

import pytest

from courseware.models import Exercise, Membership
from courseware.staff.analytics import counted_submissions
from courseware.staff.fairness import assess_fairness
from tests.support.histories import graded, variant
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

OUTERS = ["exp(u)", "sin(u)", "u^n", "log(u)", "sqrt(u)"]


def plant(course, chain, successes: dict[str, int], per_group: int = 24):
    """`per_group` learners per outer function; the first `successes[outer]` right at first try."""
    for outer in OUTERS:
        for i in range(per_group):
            learner = learner_in(course, f"{outer[:3]}{i}")
            params = {
                "outer": outer,
                "inner": "a*x^2 + b",
                "a": 2 + i % 4,
                "b": 1 + i % 6,
                "n": 2 + i % 4,
            }
            right = i < successes[outer]
            attempt = variant(learner, chain, params, course)
            graded(attempt, {"value": "x"}, 1.0 if right else 0.0)
            if not right:  # a later success must not count: the test looks at first tries
                graded(attempt, {"value": "x"}, 1.0, minutes=5)


@pytest.fixture
def course(bank):
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    return course


def test_a_planted_harder_variant_is_flagged_with_its_test_and_p_value(client, course):
    chain = Exercise.objects.get(slug="m1-chain-rule")
    plant(course, chain, {"exp(u)": 17, "sin(u)": 16, "u^n": 17, "log(u)": 2, "sqrt(u)": 16})
    report = assess_fairness(counted_submissions(course, chain))
    assert [(g.label, g.direction) for g in report.flagged] == [("outer = log(u)", "harder")]
    flagged = report.flagged[0]
    assert flagged.attempts == 24 and flagged.successes == 2
    assert flagged.adjusted_p < 0.05 and flagged.p_value <= flagged.adjusted_p
    client.login(username="prof", password=PASSWORD)
    page = client.get("/courses/calc/staff/exercises/m1-chain-rule/variants/").content.decode()
    assert "two-sided Fisher exact test, Holm-adjusted" in page
    assert "outer = log(u)</strong>: harder" in page
    assert f"adjusted p = {flagged.adjusted_p:.4f}" in page


def test_variants_with_the_same_success_rate_are_not_flagged(course):
    chain = Exercise.objects.get(slug="m1-chain-rule")
    plant(course, chain, dict.fromkeys(OUTERS, 12))
    report = assess_fairness(counted_submissions(course, chain))
    assert report.attempts == 120 and report.successes == 60
    assert report.flagged == []
    tested = [g for g in report.by_parameter if g.p_value is not None]
    assert {g.label for g in tested} >= {f"outer = {o}" for o in OUTERS}


def test_a_numeric_variant_comes_with_a_redraw_condition_to_retire_it(client, course):
    rise = Exercise.objects.get(slug="m1-rise-over-run")
    for i in range(40):
        d = [1, 0.5][i % 2]
        learner = learner_in(course, f"l{i}")
        right = (d == 1 and i < 38) or (d == 0.5 and i < 6)
        params = {"a": 1, "b": 0, "c": 0, "x0": 1, "d": d}
        graded(variant(learner, rise, params, course), {"parts": {}}, 1.0 if right else 0.0)
    client.login(username="prof", password=PASSWORD)
    page = client.get("/courses/calc/staff/exercises/m1-rise-over-run/variants/").content.decode()
    assert "<code>d == 0.5</code> to the exercise's <code>redraw_if</code>" in page
