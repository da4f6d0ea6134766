"""Python-function answers through the whole path: the API, the learner page, a real worker, the sandbox."""

import json

import pytest
from django.test import Client

from courseware.models import Attempt
from tests.support.grading import wait_for_status
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course
from tests.support.sandbox import require_sandbox

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RIGHT = (
    "import numpy as np\n\ndef d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"
)
SIGMA_ITSELF = "import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n"
RAISES = "def d_sigma(z):\n    return z.nope()\n"


@pytest.fixture
def learner(bank):
    require_sandbox()
    return learner_in(make_course())


def test_code_sent_to_the_api_is_graded_in_the_sandbox(learner, live_worker):
    live_worker()
    api = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    ids = []
    for code in (RIGHT, SIGMA_ITSELF):
        body = {"exercise": "m3-d-sigma", "answer": {"code": code}}
        response = api.post(
            "/api/v1/submissions", json.dumps(body), content_type="application/json"
        )
        assert response.status_code == 202
        ids.append(response.json()["id"])
    right, wrong = (api.get(f"/api/v1/submissions/{wait_for_status(i).pk}").json() for i in ids)
    assert (right["verdict"], right["score"]) == ("correct", 1.0)
    assert wrong["verdict"] == "incorrect"
    assert any("You returned σ(z) itself" in item["text"] for item in wrong["feedback"])
    health = api.get("/api/v1/health").json()
    assert health["workers"] >= 1
    assert health["sandbox"] in {"ok", "degraded"}


def test_run_my_tests_on_the_page_shows_the_visible_tests_and_is_not_an_attempt(
    learner, live_worker
):
    live_worker()
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    page = client.get("/courses/calc/exercises/m3-d-sigma/").content.decode()
    assert "Run my tests" in page
    assert "def d_sigma(z):" in page  # the starter code
    attempt = Attempt.objects.get(learner=learner)
    url = "/courses/calc/exercises/m3-d-sigma/"
    ran = client.post(url + "run-tests/", {"attempt": attempt.pk, "part-code": RAISES})
    assert ran.status_code == 202
    examples = wait_for_status(attempt.submissions.get().pk)
    fragment = client.get(f"/submissions/{examples.pk}/").content.decode()
    assert "Your code raised an error" in fragment
    assert "AttributeError" in fragment
    assert "three values" in fragment  # a visible test, named
    assert "1000 random values" not in fragment  # hidden tests are not run here
    submitted = client.post(url + "submit/", {"attempt": attempt.pk, "part-code": RIGHT})
    assert submitted.status_code == 202
    graded = wait_for_status(attempt.submissions.exclude(pk=examples.pk).get().pk)
    assert graded.grading.verdict == "correct"
    quiz = client.get("/courses/calc/quizzes/m3-backpropagation-code/").content.decode()
    assert "correct" in quiz
    history = client.get(url).content.decode()
    assert "tests only" in history
