"""Whatever a browser (or anyone) posts to the learner forms, the answer is never a server error."""

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courseware.models import Attempt
from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = pytest.mark.django_db
FIELDS = ["attempt", "part-answer", "part-answer-rows", "part-answer-columns", "part-answer-0-0",
          "part-answer-format", "part-code", "part-secant", "part-tangent", "username", "password",
          "email", "password1", "password2"]  # fmt: skip
TEXT = st.one_of(
    st.text(max_size=40),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["", "0", "-1", "1e9", "nan"]),
)
URLS = [
    "/courses/calc/exercises/{slug}/submit/",
    "/courses/calc/exercises/{slug}/run-tests/",
    "/courses/calc/exercises/{slug}/another-variant/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password_reset/",
]
SLUGS = [
    "m1-rise-over-run",
    "m1-graph-derivative-match",
    "m1-chain-rule",
    "m2-jacobian",
    "m3-d-sigma",
    "nope",
]


@pytest.fixture
def client(bank):
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    for slug in SLUGS[:-1]:
        client.get(f"/courses/calc/exercises/{slug}/")
    client.attempt_ids = [str(pk) for pk in Attempt.objects.values_list("pk", flat=True)]
    return client


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    url=st.sampled_from(URLS),
    slug=st.sampled_from(SLUGS),
    form=st.dictionaries(st.sampled_from(FIELDS), TEXT, max_size=8),
    use_real_attempt=st.booleans(),
)
def test_learner_forms_never_answer_5xx(client, url, slug, form, use_real_attempt):
    if use_real_attempt:
        form["attempt"] = client.attempt_ids[0]
    response = client.post(url.format(slug=slug), form)
    assert response.status_code < 500


def test_odd_matrix_sizes_are_refused_not_crashed(client):
    url = "/courses/calc/exercises/m2-jacobian/submit/"
    for rows in ("abc", "-3", "99999999999999999999", "2.5", "٣"):
        form = {
            "attempt": client.attempt_ids[-1],
            "part-answer-rows": rows,
            "part-answer-columns": "2",
        }
        assert client.post(url, form).status_code in (404, 422)
