"""The attempt history reads back each answer as the learner wrote it: expressions and matrices as
mathematics, code folded in a code block, choices by their text, Sandpit games as a picture."""

import re

import pytest
from django.test import Client

from courseware.models import Exercise, Submission
from courseware.variants import current_attempt
from tests.support.people import PASSWORD

pytestmark = pytest.mark.django_db


def history_of(learner, slug: str, answer) -> str:
    attempt = current_attempt(learner, Exercise.objects.get(slug=slug))
    Submission.objects.create(attempt=attempt, answer=answer)
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    page = client.get(f"/courses/calc/exercises/{slug}/").content.decode()
    return page.split('<section id="history" class="history">', 1)[1].split("</section>", 1)[0]


def test_an_expression_is_shown_as_mathematics_not_as_data(learner):
    history = history_of(learner, "m1-chain-rule", {"value": "2x cos(x^2)/(1+x)"})
    assert '<span class="math">' in history
    assert r"\frac{2 x \cos{\left(x^{2} \right)}}{1 + x}" in history  # as written
    assert "{&#x27;value&#x27;" not in history and "{'value'" not in history


def test_a_matrix_is_shown_as_a_matrix(learner):
    history = history_of(learner, "m2-hessian", {"matrix": [["2", "x"], ["x", "0"]]})
    assert r"\begin{pmatrix}2 &amp; x \\ x &amp; 0\end{pmatrix}" in history


def test_code_is_folded_in_a_code_block_with_its_lines(learner):
    code = "def d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"
    history = history_of(learner, "m3-d-sigma", {"code": code})
    assert "<summary>Code (3 lines)</summary>" in history
    assert "    s = 1 / (1 + np.exp(-z))" in history
    assert "\\n" not in history


def test_a_choice_is_shown_by_its_letter_and_text(learner):
    history = history_of(learner, "m1-graph-derivative-match", {"choices": ["derivative"]})
    assert re.search(r"Graph [A-D]", history)
    assert "derivative&#x27;" not in history and "[&#x27;" not in history


def test_a_sandpit_game_is_a_picture_of_its_probes(learner):
    probes = [[1.0, 1.0], [2.0, 2.5], [3.2, 3.0]]
    history = history_of(
        learner,
        "m2-sandpit",
        {"parts": {"gradient": {"probes": probes}, "depth_only": {"probes": []}}},
    )
    assert 'aria-label="3 probes in the sandpit"' in history
    assert "gradient:" in history


def test_an_unreadable_expression_is_shown_as_typed(learner):
    history = history_of(learner, "m1-chain-rule", {"value": "2x sin(x"})
    assert "2x sin(x" in history
