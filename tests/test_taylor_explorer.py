"""The Taylor explorer on an exercise page: the learner picks an order and a centre and the server
redraws f with that polynomial; choices it does not offer are refused in words."""

import pytest
from django.test import Client

from courseware.models import Attempt
from tests.support.people import PASSWORD, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db
PAGE = "/courses/calc/exercises/m4-taylor-explorer/"
EXPLORE = PAGE + "explore/"


@pytest.fixture
def client(bank):
    learner_in(make_course())
    client = Client()
    client.login(username="ada", password=PASSWORD)
    return client


def test_the_page_shows_the_explorer_with_its_choices_and_a_first_picture(client):
    page = client.get(PAGE).content.decode()
    params = Attempt.objects.get(learner__username="ada").params
    assert 'id="taylor-explorer"' in page
    assert (
        '<select id="explorer-order" name="order">' in page
        and '<option value="8">8</option>' in page
    )
    assert '<option value="2">x = 1</option>' in page
    assert "f(x) and its Taylor polynomial of order 1 about x = -1" in page
    assert 'class="plot chart"' in page.split('id="taylor-explorer"', 1)[1]
    assert f"\\frac{{1}}{{{params['c']} - x}}" in page  # the function drawn is the prompt's


def test_choosing_an_order_and_a_centre_redraws_the_picture(client):
    client.get(PAGE)
    response = client.get(EXPLORE, {"order": "5", "centre": "2"})
    fragment = response.content.decode()
    assert response.status_code == 200
    assert '<figure id="taylor-figure"' in fragment
    assert "order 5 about x = 1" in fragment
    assert '<option value="5" selected>' in fragment and '<option value="2" selected>' in fragment
    first = client.get(EXPLORE, {"order": "1", "centre": "2"}).content.decode()
    assert first != fragment  # a different polynomial is a different picture


def test_without_javascript_the_form_redraws_the_whole_page(client):
    page = client.get(PAGE, {"order": "3", "centre": "1"}).content.decode()
    assert "f(x) and its Taylor polynomial of order 3 about x = 0" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"order": "9"}, "the order must be one of [0, 1, 2, 3, 4, 5, 6, 7, 8]"),
        ({"order": "-1"}, "the order must be one of"),
        ({"centre": "3"}, "the centre must be one of 0..2"),
        ({"order": "two"}, "The order must be a whole number, not 'two'."),
        ({"centre": "1.5"}, "The centre must be a whole number"),
    ],
)
def test_a_choice_the_explorer_does_not_offer_is_refused_in_words(client, query, message):
    for url in (EXPLORE, PAGE):
        response = client.get(url, query)
        assert response.status_code == 400
        assert message in response.content.decode()


def test_an_exercise_without_an_explorer_has_no_explore_address(client):
    response = client.get("/courses/calc/exercises/m1-rise-over-run/explore/", {"order": "1"})
    assert response.status_code == 404


def test_only_the_courses_members_may_explore(bank):
    make_course()
    make_user("mallory")
    outsider = Client()
    outsider.login(username="mallory", password=PASSWORD)
    assert outsider.get(EXPLORE, {"order": "2"}).status_code == 404
    assert Client().get(EXPLORE, {"order": "2"}).status_code == 302  # to the log-in page
    assert not Attempt.objects.filter(learner__username="mallory").exists()
