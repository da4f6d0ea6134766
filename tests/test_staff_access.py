"""Only a course's staff see its staff pages and exports; learners and other courses' staff get 404."""

import pytest

from courseware.models import Exercise, Membership
from tests.support.histories import graded, variant
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

CHAIN = {"outer": "u^n", "inner": "a*x^2 + b", "a": 2, "b": 1, "n": 2}


@pytest.fixture
def world(bank):
    course, other = make_course(), make_course("other", "Another offering")
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    enrol(make_user("stranger"), other, Membership.Role.STAFF)
    ada = learner_in(course, "ada")
    chain = Exercise.objects.get(slug="m1-chain-rule")
    submission = graded(variant(ada, chain, CHAIN, course), {"value": "x"}, 0.0)
    return {"learner": ada, "submission": submission}


def staff_pages(world) -> list[str]:
    base = "/courses/calc/staff"
    return [
        f"{base}/",
        f"{base}/gradebook.csv",
        f"{base}/quizzes/m1-chain-rule-quiz/",
        f"{base}/learners/{world['learner'].pk}/",
        f"{base}/exercises/",
        f"{base}/exercises/m1-chain-rule/",
        f"{base}/exercises/m1-chain-rule/variants/",
        f"{base}/exercises/m1-chain-rule/regrade/",
        f"{base}/exercises/m1-chain-rule/regrade/results/",
        f"{base}/review/",
        f"{base}/submissions/{world['submission'].pk}/",
    ]


def test_the_courses_staff_can_open_every_staff_page(client, world):
    client.login(username="prof", password=PASSWORD)
    for url in staff_pages(world):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("username", ["ada", "stranger"])
def test_learners_and_other_courses_staff_get_404_on_every_staff_page(client, world, username):
    client.login(username=username, password=PASSWORD)
    for url in staff_pages(world):
        assert client.get(url).status_code == 404, url
    submission = world["submission"].pk
    for url in [
        f"/courses/calc/staff/submissions/{submission}/grade/",
        "/courses/calc/staff/exercises/m1-chain-rule/regrade/",
    ]:
        assert client.post(url, {"decision": "accept"}).status_code == 404, url
    world["submission"].refresh_from_db()
    assert world["submission"].grading_round == 1  # nothing was regraded or overridden


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    for url in staff_pages(world):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_of_another_course_cannot_reach_this_courses_submission_through_their_own(
    client, world
):
    client.login(username="stranger", password=PASSWORD)
    url = f"/courses/other/staff/submissions/{world['submission'].pk}/"
    assert client.get(url).status_code == 404
    assert client.get(f"/courses/other/staff/learners/{world['learner'].pk}/").status_code == 404


def test_the_staff_link_is_shown_to_staff_only(client, world):
    client.login(username="prof", password=PASSWORD)
    assert 'href="/courses/calc/staff/">Staff</a>' in client.get("/courses/").content.decode()
    client.login(username="ada", password=PASSWORD)
    assert ">Staff</a>" not in client.get("/courses/").content.decode()
