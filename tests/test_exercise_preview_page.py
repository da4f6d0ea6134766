"""The staff preview of any variant: prompt, reference answers, mistakes, and a "next seed" button."""

import pytest
from django.test import Client

from tests.support.people import PASSWORD, enrol, learner_in, make_user

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.login(username=user.username, password=PASSWORD)
    return client


def test_staff_see_any_variant_with_its_answers_and_mistakes(course):
    teacher = make_user("teacher")
    enrol(teacher, course, "staff")
    client = logged_in(teacher)
    page = client.get(
        "/courses/calc/staff/exercises/m1-chain-rule/preview/?seed=3"
    ).content.decode()
    assert "seed 3" in page
    assert "Reference answer:" in page
    assert "chain-missing-inner" in page
    assert "You differentiated the outer function but not the inner one" in page
    assert 'href="?seed=4"' in page and "Next seed" in page
    numbers = client.get(
        "/courses/calc/staff/exercises/m1-rise-over-run/preview/?seed=0"
    ).content.decode()
    assert "run-over-rise" in numbers and "Parameters:" in numbers
    unreadable = client.get("/courses/calc/staff/exercises/m2-jacobian/preview/?seed=x")
    assert unreadable.status_code == 200
    assert "Seed: not a whole number; showing seed 0." in unreadable.text
    assert "seed 0" in unreadable.text
    too_big = client.get(f"/courses/calc/staff/exercises/m2-jacobian/preview/?seed={2**53}")
    assert f"Seed: seeds run from 0 to {2**53 - 1}; showing seed 0." in too_big.text


def test_learners_do_not_see_the_preview(course):
    learner = learner_in(course)
    assert (
        logged_in(learner).get("/courses/calc/staff/exercises/m1-chain-rule/preview/").status_code
        == 404
    )
