"""Randomised exercises in Open edX through XQueue: the problem shows the variant Tangent grades."""

from __future__ import annotations

import json
from io import StringIO
from xml.etree.ElementTree import fromstring

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from courseware.models import Submission
from courseware.rendering import render_markdown
from courseware.variants import definition_of
from tangent.celery import app
from tests.support.grading import expression_text
from tests.support.xqueue_server import FakeXQueue
from tests.support.xqueue_worker import xqueue_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager(bank, monkeypatch):
    monkeypatch.setenv("XQUEUE_PASSWORD", "secret")
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def export(slug: str, *options: str) -> str:
    out = StringIO()
    call_command("export_xqueue_problem", slug, *options, stdout=out)
    return out.getvalue()


def shown_to(script: str, seed: int) -> str:
    """The prompt capa puts in the page: it runs the problem's script with the seed in `seed`."""
    context = {"seed": seed}
    exec(script, context)  # noqa: S102 - the exported script itself, run as capa runs it
    return context["tangent_prompt"]


def grade_through_the_queue(bodies: list[dict]) -> list[dict]:
    with FakeXQueue() as server:
        numbers = [server.submit(body) for body in bodies]
        call_command(
            "xqueue_worker", "--url", server.url, "--queue", server.queue, "--username", "tangent",
            "--allow-private-host", "127.0.0.1", "--once", stdout=StringIO(),
        )  # fmt: skip
        return [server.results(number)[0] for number in numbers]


def test_each_learner_sees_their_own_variant_and_is_graded_against_it(eager):
    problem = fromstring(export("m1-chain-rule", "--variants", "20"))  # noqa: S314 - ours
    script = problem.find("script")
    assert script.get("type") == "loncapa/python"
    assert problem.find("div").text == "$tangent_prompt"
    response = problem.find("coderesponse")
    assert response.get("queuename") == "tangent-calc"
    payload = response.find("codeparam/grader_payload").text
    assert json.loads(payload) == {"exercise": "m1-chain-rule", "variants": 20}

    first_seed = 3
    other_seed = next(
        s for s in range(4, 40) if shown_to(script.text, s) != shown_to(script.text, 3)
    )
    shown = {seed: shown_to(script.text, seed) for seed in (first_seed, other_seed)}
    assert all("\\(h(x) = " in text and "$" not in text for text in shown.values())

    # Each learner answers from the text shown; the grading's variant is the one in that text.
    def body(student, seed, response):
        return xqueue_body(response, student=student, seed=seed, payload=payload)

    results = grade_through_the_queue(
        [body("anon-1", first_seed, "0"), body("anon-2", other_seed, "0")]
    )
    assert [result["correct"] for result in results] == [False, False]
    attempts = {}
    for student, seed in (("anon-1", first_seed), ("anon-2", other_seed)):
        submission = (
            Submission.objects.filter(attempt__learner__api_learner__ref=student)
            .select_related("attempt__exercise_version")
            .get()
        )
        attempt = submission.attempt
        prompt = render_markdown(definition_of(attempt).prompt, attempt.params, math="mathjax")
        assert prompt == shown[seed]
        attempts[student] = attempt

    right_1, right_2 = (expression_text(attempts[s]) for s in ("anon-1", "anon-2"))
    results = grade_through_the_queue(
        [
            body("anon-1", first_seed, right_1),
            body("anon-2", other_seed, right_2),
            body("anon-2", other_seed, right_1),  # another learner's answer
        ]
    )
    assert [result["correct"] for result in results] == [True, True, right_1 == right_2]


def test_an_exercise_without_parameters_exports_one_text_and_its_starter_code(eager):
    problem = fromstring(export("m3-d-sigma", "--variants", "20", "--queue", "calc-code"))  # noqa: S314
    script = problem.find("script").text
    assert "Write <code>d_sigma(z)</code> that returns \\(\\sigma'(z)\\)" in shown_to(script, 0)
    assert shown_to(script, 0) == shown_to(script, 7)
    codeparam = problem.find("coderesponse/codeparam")
    assert json.loads(codeparam.find("grader_payload").text) == {
        "exercise": "m3-d-sigma",
        "variants": 1,
    }
    assert "def d_sigma(z):" in codeparam.find("initial_display").text
    assert problem.find("coderesponse/textbox").get("mode") == "python"


def test_an_exercise_with_several_answers_is_refused_with_the_alternative(eager):
    with pytest.raises(CommandError, match="Use Tangent's LTI tool"):
        export("m1-rise-over-run")
    with pytest.raises(CommandError, match="There is no exercise"):
        export("m9-nothing")
