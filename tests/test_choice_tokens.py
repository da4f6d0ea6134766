"""Choice options on the page: opaque per-attempt tokens, never the authored ids."""

import re

import pytest
from django.test import Client

from courseware.models import Attempt, Submission
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD

pytestmark = pytest.mark.django_db
URL = "/courses/calc/exercises/m1-graph-derivative-match/"
IDS = ("derivative", "negated", "second-derivative", "shifted")


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


def shown_tokens(page: str) -> list[str]:
    return re.findall(r'name="part-answer" value="([^"]+)"', page)


def latest_attempt(learner) -> Attempt:
    return Attempt.objects.filter(learner=learner).order_by("-number").first()


def test_the_page_shows_tokens_and_no_option_id(client, learner):
    page = client.get(URL).content.decode()
    tokens = shown_tokens(page)
    assert len(tokens) == 4 and len(set(tokens)) == 4
    attribute_values = set(re.findall(r'="([^"]*)"', page))
    assert not attribute_values & set(IDS)
    attempt = latest_attempt(learner)
    assert sorted(tokens) == sorted(option_token(attempt.pk, "answer", i) for i in IDS)


def test_a_token_is_graded_as_its_option_and_the_history_shows_its_letter(client, learner):
    page = client.get(URL).content.decode()
    attempt = latest_attempt(learner)
    right = option_token(attempt.pk, "answer", "derivative")
    letter = "ABCD"[shown_tokens(page).index(right)]
    response = client.post(URL + "submit/", {"attempt": attempt.pk, "part-answer": right})
    assert response.status_code == 202
    submission = Submission.objects.get(attempt=attempt)
    assert submission.answer == {"choices": ["derivative"]}
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    page = client.get(URL).content.decode()
    history = page.split('<section id="history" class="history">', 1)[1]
    assert f"Graph {letter}" in history
    assert "derivative&#x27;" not in page


def test_an_id_or_another_variants_token_is_refused(client, learner):
    client.get(URL)
    first = latest_attempt(learner)
    old = option_token(first.pk, "answer", "derivative")
    client.post(URL + "another-variant/")
    second = latest_attempt(learner)
    assert old not in client.get(URL).content.decode()
    for sent in ("derivative", old):
        response = client.post(URL + "submit/", {"attempt": second.pk, "part-answer": sent})
        assert response.status_code == 422
        assert "not one of the options shown for this variant" in response.content.decode()
    assert not Submission.objects.filter(attempt=second).exists()


def test_the_api_still_takes_option_ids(learner):
    import json

    from tests.support.people import api_key_for

    api = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    body = {"exercise": "m1-graph-derivative-match", "answer": {"choices": ["derivative"]}}
    response = api.post("/api/v1/submissions", json.dumps(body), content_type="application/json")
    assert response.status_code == 202
