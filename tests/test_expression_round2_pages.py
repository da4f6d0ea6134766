"""The bank's examples on the exercise pages: Euler's e read as the learner meant, chain-rule answers
that keep x and y, follow-through, and where a wrong answer goes wrong."""

import json

import pytest
from django.test import Client

from courseware.models import Attempt
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.people import PASSWORD, api_key_for

pytestmark = pytest.mark.django_db

# m4-2d-quadratic, seed 1: f = exp(x) y^2 + 2xy at (1, 2); H = [[4e, 4e + 2], [4e + 2, 2e]].
M4_PARAMS = {"f": "exp(x)*y^2 + a*x*y", "a": 2, "x0": 1, "y0": 2}
M4_APPROXIMATION = "(4e+4) + (4e+4)(x-1) + (4e+2)(y-2) + 2e(x-1)^2 + (4e+2)(x-1)(y-2) + e(y-2)^2"
# m3-multivariate-chain with f = x^2 y, a = 2, b = 1: x = t^2 + 2t, y = t^3.
M3_PARAMS = {"f": "x^2*y", "a": 2, "b": 1, "t0": 1}


def _attempt(client, learner, slug, params):
    assert client.get(f"/courses/calc/exercises/{slug}/").status_code == 200
    attempt = Attempt.objects.get(learner=learner, exercise_version__exercise__slug=slug)
    attempt.params = params
    attempt.save(update_fields=["params"])
    return attempt


def _submit(client, attempt, slug, form) -> str:
    posted = client.post(f"/courses/calc/exercises/{slug}/submit/", {"attempt": attempt.pk, **form})
    assert posted.status_code == 202, posted.content.decode()[:500]
    submission = attempt.submissions.latest("pk")
    grade_submission.apply(args=(submission.pk, 1))
    return client.get(f"/submissions/{submission.pk}/").content.decode()


def _hessian(cells) -> dict:
    form = {"part-hessian-rows": 2, "part-hessian-columns": 2}
    for i, row in enumerate(cells):
        for j, cell in enumerate(row):
            form[f"part-hessian-{i}-{j}"] = cell
    return form


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


def test_m4_a_hessian_written_with_4e_plus_2_is_refused_as_ambiguous_not_read_as_400(
    client, learner
):
    attempt = _attempt(client, learner, "m4-2d-quadratic", M4_PARAMS)
    form = _hessian([["4e", "4e+2"], ["4e+2", "2e"]])
    form["part-approximation"] = M4_APPROXIMATION
    response = client.post(
        "/courses/calc/exercises/m4-2d-quadratic/submit/", {"attempt": attempt.pk, **form}
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "ambiguous" in page and "4*e + 2" in page and "4*10^2" in page
    assert attempt.submissions.count() == 0


def test_m4_the_same_hessian_written_unambiguously_is_correct(client, learner):
    attempt = _attempt(client, learner, "m4-2d-quadratic", M4_PARAMS)
    form = _hessian([["4e", "4*e + 2"], ["4 e + 2", "2e"]])
    form["part-approximation"] = M4_APPROXIMATION.replace("4e+", "4*e + ")
    fragment = _submit(client, attempt, "m4-2d-quadratic", form)
    assert "score 100%" in fragment


def test_m4_the_preview_refuses_4e_plus_2_and_reads_plain_scientific_elsewhere(learner):
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    body = {"exercise": "m4-2d-quadratic", "part": "approximation", "value": "(4e+4)(x-1)"}
    refused = client.post("/api/v1/preview", json.dumps(body), content_type="application/json")
    assert refused.status_code == 422
    assert "write `4*e + 4` or `4*10^4`" in refused.json()["detail"]
    plain = {"exercise": "m1-power-sum", "value": "4e+2 x"}  # no e in its answers
    read = client.post("/api/v1/preview", json.dumps(plain), content_type="application/json")
    assert read.status_code == 200 and "400" in read.json()["latex"]
    wide = {"exercise": "m1-power-sum", "value": "（x＋1）²"}
    normalised = client.post("/api/v1/preview", json.dumps(wide), content_type="application/json")
    assert normalised.json()["reading"] == "(x+1)²"


def test_m4_a_wrong_hessian_costs_only_its_own_marks_with_follow_through(client, learner):
    attempt = _attempt(client, learner, "m4-2d-quadratic", M4_PARAMS)
    form = _hessian([["4*e", "4*e + 2"], ["4*e + 2", "3*e"]])  # H_yy should be 2e
    form["part-approximation"] = M4_APPROXIMATION.replace("4e+", "4*e + ").replace(
        " e(y-2)^2", " 1.5 e(y-2)^2"
    )
    fragment = _submit(client, attempt, "m4-2d-quadratic", form)
    # The Hessian loses one entry of four (3/4); the approximation, right for that H, keeps all.
    assert "score 88%" in fragment
    assert "Correct for your" in fragment and "carried forward" in fragment


def test_m3_a_chain_rule_answer_that_keeps_x_and_y_is_credited_in_terms_of_t(client, learner):
    attempt = _attempt(client, learner, "m3-multivariate-chain", M3_PARAMS)
    kept = "2x y (2t + 2) + x^2 (3t^2)"  # f_x x'(t) + f_y y'(t), x and y left as they are
    form = {
        "part-middle-rows": 2,
        "part-middle-columns": 2,
        "part-middle-0-0": "1",
        "part-middle-0-1": "2",
        "part-middle-1-0": "v",
        "part-middle-1-1": "u",
        "part-order": option_token(attempt.pk, "order", "outside-in"),
        "part-total": kept,
        "part-value": "2*3*1*4 + 9*3",
    }
    fragment = _submit(client, attempt, "m3-multivariate-chain", form)
    assert "score 100%" in fragment
    assert "Written in terms of t, this is" in fragment


def test_m3_a_wrong_answer_in_x_and_y_gets_a_counterexample_in_t(client, learner):
    attempt = _attempt(client, learner, "m3-multivariate-chain", M3_PARAMS)
    form = {
        "part-middle-rows": 2,
        "part-middle-columns": 2,
        "part-middle-0-0": "1",
        "part-middle-0-1": "2",
        "part-middle-1-0": "v",
        "part-middle-1-1": "u",
        "part-order": option_token(attempt.pk, "order", "outside-in"),
        "part-total": "2x y (2t + 2) + x^2 (3t)",
        "part-value": "51",
    }
    fragment = _submit(client, attempt, "m3-multivariate-chain", form)
    assert "total:" in fragment
    assert "At t = " in fragment and "At x = " not in fragment


def test_the_page_says_where_a_wrong_expression_goes_wrong(client, learner):
    params = {"u": "x^2 + a*x", "v": "sin(b*x)", "a": 2, "b": 3}
    attempt = _attempt(client, learner, "m1-product-rule", params)
    wrong = "(2x+2) sin(3x) + 2(x^2+2x) cos(3x)"  # no anticipated mistake: located instead
    fragment = _submit(client, attempt, "m1-product-rule", {"part-answer": wrong})
    assert "in the second term is off: you have <code>2</code>" in fragment
    assert "textcolor{#b91c1c}" in fragment  # the wrong part, highlighted in the answer
    assert "At x = 0.5" in fragment


M2_PATH = {"f": "sin(x)*y + z^2", "X": "cos(t)", "Y": "t + a", "Z": "exp(t)", "a": 2, "t0": 1}


def test_m2_a_total_derivative_left_in_x_y_z_is_credited_in_terms_of_t(client, learner):
    """The review's E12: the chain rule's sum, with x, y and z left as they are."""
    attempt = _attempt(client, learner, "m2-total-derivative", M2_PATH)
    kept = "cos(x)*y*(-sin(t)) + sin(x) + 2*z*e^t"
    value = "cos(cos(1))*(1 + 2)*(-sin(1)) + sin(cos(1)) + 2*e^2"
    form = {"part-derivative": kept, "part-value": value}
    fragment = _submit(client, attempt, "m2-total-derivative", form)
    assert "score 100%" in fragment
    assert "Written in terms of t, this is" in fragment
