"""Notebooks through the site: "Open as notebook" on the page and the API, uploads on the page and
to the API graded like the same code typed in the editor, and personal access tokens."""

from __future__ import annotations

import io
import json

import nbformat
import pytest
from django.test import Client

from api.personal_tokens import make_token
from courseware.models import Attempt, NotebookUpload, Submission
from courseware.tasks import grade_submission
from grader.notebooks.build import ANSWER_TAG
from lms.models import ApiKey
from tests.support.notebooks import solution, tagged
from tests.support.people import PASSWORD, api_key_for, learner_in
from tests.support.sandbox import require_sandbox

pytestmark = pytest.mark.django_db

PAGE = "/courses/calc/exercises/m3-d-sigma/"
RIGHT = solution("m3-chain-rule-and-neural-networks/m3-d-sigma")
SIGMA_ITSELF = "import numpy as np\n\ndef d_sigma(z):\n    return 1 / (1 + np.exp(-z))\n"


@pytest.fixture
def learner(course):
    return learner_in(course, "ada")


@pytest.fixture
def page(learner) -> Client:
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


def token_client(user) -> Client:
    return Client(headers={"authorization": f"Bearer {make_token(user, 'notebook').key}"})


def post_json(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def downloaded(client: Client, url: str) -> nbformat.NotebookNode:
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/x-ipynb+json"
    notebook = nbformat.reads(response.content.decode(), as_version=4)
    nbformat.validate(notebook)
    return notebook


def written(notebook, code: str) -> nbformat.NotebookNode:
    tagged(notebook, ANSWER_TAG)[0].source = code
    return notebook


def graded(submission_id: int) -> Submission:
    submission = Submission.objects.get(pk=submission_id)
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    return Submission.objects.select_related("grading").get(pk=submission_id)


def outcome(submission: Submission):
    grading = submission.grading
    return grading.verdict, grading.score, [item["text"] for item in grading.feedback]


# --- download ---------------------------------------------------------------------------------------


def test_the_page_offers_its_variant_as_a_notebook(page, learner):
    html = page.get(PAGE).content.decode()
    assert "Open as notebook" in html and "upload-notebook/" in html
    notebook = downloaded(page, PAGE + "notebook/")
    attempt = Attempt.objects.get(learner=learner)
    assert notebook.metadata["tangent"]["seed"] == attempt.seed
    assert 'tangent.login("http://testserver")' in notebook.cells[-1].source


def test_an_exercise_without_code_has_no_notebook(page):
    assert page.get("/courses/calc/exercises/m1-rise-over-run/notebook/").status_code == 404
    assert (
        "Open as notebook"
        not in page.get("/courses/calc/exercises/m1-rise-over-run/").content.decode()
    )


def test_the_api_gives_the_learners_variant_and_staff_any_seed(learner, course):
    api = token_client(learner)
    notebook = downloaded(api, "/api/v1/exercises/m3-backprop-assignment/notebook")
    attempt = Attempt.objects.get(learner=learner)
    assert notebook.metadata["tangent"]["seed"] == attempt.seed
    refused = api.get("/api/v1/exercises/m3-backprop-assignment/notebook?seed=5")
    assert refused.status_code == 403 and "staff" in refused.json()["detail"]
    staff_user = learner_in(course, "grace")
    course.memberships.filter(user=staff_user).update(role="staff")
    staff = Client(
        headers={
            "authorization": f"Bearer {api_key_for(staff_user, ['read', 'submit', 'staff'], course)}"
        }
    )
    chosen = downloaded(staff, "/api/v1/exercises/m3-backprop-assignment/notebook?seed=5")
    assert chosen.metadata["tangent"]["seed"] == 5


# --- upload: graded like the editor ----------------------------------------------------------------


@pytest.mark.parametrize("code", [RIGHT, SIGMA_ITSELF])
def test_a_notebook_uploaded_on_the_page_grades_like_the_editor(page, learner, code):
    require_sandbox()
    notebook = written(downloaded(page, PAGE + "notebook/"), code)
    attempt = Attempt.objects.get(learner=learner)
    upload = io.BytesIO(nbformat.writes(notebook).encode())
    upload.name = "m3-d-sigma.ipynb"
    response = page.post(PAGE + "upload-notebook/", {"attempt": attempt.pk, "notebook": upload})
    assert response.status_code == 202
    assert "Graded the code of cell" in response.content.decode()
    from_notebook = graded(Submission.objects.latest("pk").pk)
    typed = page.post(PAGE + "submit/", {"attempt": attempt.pk, "part-code": code})
    assert typed.status_code == 202
    from_editor = graded(Submission.objects.latest("pk").pk)
    assert outcome(from_notebook) == outcome(from_editor)
    status = page.get(f"/submissions/{from_notebook.pk}/").content.decode()
    assert "Graded the code of cell" in status


def test_a_notebook_sent_to_the_api_grades_like_the_editor_and_says_which_cells(learner):
    require_sandbox()
    api = token_client(learner)
    notebook = written(downloaded(api, "/api/v1/exercises/m3-d-sigma/notebook"), SIGMA_ITSELF)
    tagged(notebook, ANSWER_TAG)[0].outputs = [nbformat.v4.new_output("stream", text="noise")]
    created = post_json(
        api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "notebook": notebook}
    )
    assert created.status_code == 202, created.content
    used = created.json()["notebook"]
    answer_cell = next(
        i for i, c in enumerate(notebook.cells, 1) if ANSWER_TAG in c.metadata.get("tags", [])
    )
    assert used["cells"] == [answer_cell]
    typed = post_json(
        api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "answer": {"code": SIGMA_ITSELF}}
    )
    assert outcome(graded(created.json()["id"])) == outcome(graded(typed.json()["id"]))
    stored = NotebookUpload.objects.get(submission_id=created.json()["id"])
    assert all(c.get("outputs", []) == [] for c in stored.notebook["cells"])
    shown = api.get(f"/api/v1/submissions/{created.json()['id']}").json()
    assert shown["notebook"]["cells"] == [answer_cell] and shown["verdict"] == "incorrect"


def test_answer_and_notebook_together_or_neither_are_refused(learner):
    api = token_client(learner)
    for body in (
        {"exercise": "m3-d-sigma"},
        {"exercise": "m3-d-sigma", "answer": {"code": RIGHT}, "notebook": {"cells": []}},
    ):
        response = post_json(api, "/api/v1/submissions", body)
        assert response.status_code == 422 and "one of the two" in response.json()["detail"]


def test_hostile_notebooks_are_refused_on_the_page_and_the_api(page, learner):
    page.get(PAGE)
    attempt = Attempt.objects.get(learner=learner)
    many = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("x = 1") for _ in range(10_000)]
    )
    api = token_client(learner)
    response = post_json(api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "notebook": many})
    assert response.status_code == 413 and "10000 cells" in response.json()["detail"]
    for notebook in ("{oops", {"nbformat": 4, "cells": [], "metadata": {"a": 1}, "extra": 1}):
        response = post_json(
            api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "notebook": notebook}
        )
        assert response.status_code == 422 and response.json()["detail"]
    for depth in (900, 5000):  # parsed but deep, and deeper than the parser goes
        deep = (
            '{"nbformat": 4, "nbformat_minor": 5, "cells": [], "metadata": '
            + '{"a": ' * depth
            + "{}"
            + "}" * depth
            + "}"
        )
        upload = io.BytesIO(deep.encode())
        upload.name = "deep.ipynb"
        response = page.post(PAGE + "upload-notebook/", {"attempt": attempt.pk, "notebook": upload})
        assert response.status_code == 422
    for raw, status in ((b"{oops", 422), (b"x" * 2_500_000, 413)):
        upload = io.BytesIO(raw)
        upload.name = "bad.ipynb"
        response = page.post(PAGE + "upload-notebook/", {"attempt": attempt.pk, "notebook": upload})
        assert response.status_code == status
        assert (
            "JSON" in response.content.decode() or "clear its outputs" in response.content.decode()
        )
    # 1.9 MB of code and no tag: finding the function by name would parse it all (15 s and
    # 1.8 GB of a web process); a 413 says what to do instead
    bulky = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("a = b + c * d - e\n" * 1000) for _ in range(100)]
    )
    response = post_json(api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "notebook": bulky})
    assert response.status_code == 413
    assert "Tangent reads at most 128 KB" in response.json()["detail"]
    assert "tag tangent-answer" in response.json()["detail"]
    missing = page.post(PAGE + "upload-notebook/", {"attempt": attempt.pk})
    assert missing.status_code == 422 and "Choose a notebook" in missing.content.decode()
    assert not Submission.objects.exists()


# --- personal access tokens -------------------------------------------------------------------------


def test_a_token_reads_only_its_learners_own_submissions(learner, course):
    classmate = learner_in(course, "bob")
    theirs = post_json(
        token_client(classmate),
        "/api/v1/submissions",
        {"exercise": "m3-d-sigma", "answer": {"code": RIGHT}},
    )
    assert theirs.status_code == 202
    api = token_client(learner)
    mine = post_json(
        api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "answer": {"code": RIGHT}}
    )
    assert api.get(f"/api/v1/submissions/{theirs.json()['id']}").status_code == 404
    assert api.get(f"/api/v1/results/{theirs.json()['id']}").status_code == 404
    assert [s["id"] for s in api.get("/api/v1/submissions").json()["items"]] == [mine.json()["id"]]
    named = post_json(
        api,
        "/api/v1/submissions",
        {"exercise": "m3-d-sigma", "answer": {"code": RIGHT}, "learner": "bob"},
    )
    assert named.status_code == 403 and "its own learner" in named.json()["detail"]
    assert api.get("/api/v1/api-keys").status_code == 403
    assert post_json(api, "/api/v1/api-keys", {"name": "more"}).status_code == 403


def test_a_token_works_on_the_learners_page_attempt(page, learner):
    page.get(PAGE)
    attempt = Attempt.objects.get(learner=learner)
    created = post_json(
        token_client(learner),
        "/api/v1/submissions",
        {"exercise": "m3-d-sigma", "answer": {"code": RIGHT}},
    )
    assert Submission.objects.get(pk=created.json()["id"]).attempt_id == attempt.pk


def test_a_token_is_paced_like_the_page(learner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "submit": (2, 60)}
    api = token_client(learner)
    statuses = [
        post_json(
            api, "/api/v1/submissions", {"exercise": "m3-d-sigma", "answer": {"code": RIGHT}}
        ).status_code
        for _ in range(3)
    ]
    assert statuses == [202, 202, 429]


def test_the_profile_page_makes_shows_once_lists_and_revokes_tokens(page, learner):
    made = page.post("/profile/tokens/", {"name": "laptop"})
    assert made.status_code == 201
    html = made.content.decode()
    token = html.split('<pre class="token">')[1].split("</pre>")[0]
    assert token.startswith("tk_") and "not shown again" in html
    listed = page.get("/profile/").content.decode()
    assert "laptop" in listed and token not in listed
    record = ApiKey.objects.get(user=learner, personal=True)
    api = Client(headers={"authorization": f"Bearer {token}"})
    assert api.get("/api/v1/submissions").status_code == 200
    assert page.post(f"/profile/tokens/{record.pk}/revoke/").status_code == 302
    assert api.get("/api/v1/submissions").status_code == 401
    assert page.post("/profile/tokens/", {"name": ""}).status_code == 422


def test_no_one_revokes_another_learners_token(page, course):
    other = learner_in(course, "bob")
    theirs = make_token(other, "theirs").record
    assert page.post(f"/profile/tokens/{theirs.pk}/revoke/").status_code == 404
    assert ApiKey.objects.get(pk=theirs.pk).revoked_at is None
