"""A worker on another host grades every kind of answer without the exercise bank's folder: an
exercise version carries its trusted files (content-addressed, in the shared database)."""

import json
import shutil

import pytest
from django.conf import settings
from django.test import Client

from courseware.grading import intake
from courseware.grading.definitions import definition_for
from courseware.models import Exercise, Submission
from courseware.variants import current_attempt, definition_of
from exercises.filestore import MissingFiles, digest_of, store
from exercises.loader import read_bank
from exercises.models import TrustedFile
from exercises.sync import load_bank
from grader.answers.choice import is_correct
from grader.answers.interactive import landscape_for
from tests.conftest import ROOT
from tests.support.checkout import checkout_without_bank
from tests.support.grading import expression_text, right_number_answers, wait_for_status
from tests.support.people import api_key_for, learner_in, make_course
from tests.support.sandbox import CORRECT_D_SIGMA, require_sandbox

# The store


@pytest.mark.django_db
def test_a_loaded_code_exercise_names_its_tests_by_digest_and_the_store_holds_the_text(bank):
    version = Exercise.objects.get(slug="m3-d-sigma").current_version
    digest = version.spec["files"]["tests.py"]
    text = (ROOT / "exercises/m3-chain-rule-and-neural-networks/m3-d-sigma/tests.py").read_text()
    assert digest == digest_of(text)
    assert store().get([digest]) == {digest: text}


@pytest.mark.django_db
def test_a_missing_or_altered_file_is_refused_not_graded_with_something_else(bank):
    digest = Exercise.objects.get(slug="m3-d-sigma").current_version.spec["files"]["tests.py"]
    TrustedFile.objects.filter(sha256=digest).update(
        text="def cases(params, rng):\n    return []\n"
    )
    with pytest.raises(MissingFiles, match=digest):
        store().get([digest])
    with pytest.raises(MissingFiles, match="0" * 64):
        store().get(["0" * 64])


@pytest.mark.django_db
def test_a_changed_tests_py_is_a_new_version_and_the_old_one_keeps_its_tests(bank, tmp_path):
    """During a rolling deploy, or a regrade kept on an old version, each version grades with
    the tests it was loaded with, whatever is on any disk."""
    copy = tmp_path / "exercises"
    for module in read_bank(settings.EXERCISES_DIR).modules:
        shutil.copytree(settings.EXERCISES_DIR / module.slug, copy / module.slug)
    shutil.copy(settings.EXERCISES_DIR / "topics.yaml", copy)
    tests = copy / "m3-chain-rule-and-neural-networks" / "m3-d-sigma" / "tests.py"
    old = Exercise.objects.get(slug="m3-d-sigma").current_version
    tests.write_text(tests.read_text() + "\n# a new case would go here\n")
    load_bank(copy)
    new = Exercise.objects.get(slug="m3-d-sigma").current_version
    assert new != old and new.spec["files"]["tests.py"] == digest_of(tests.read_text())
    tests.unlink()  # and nothing reads the folder again
    assert definition_for(new).parts[0].config["tests_source"] == stored_tests_of(new)
    assert definition_for(old).parts[0].config["tests_source"] != stored_tests_of(new)


def stored_tests_of(version) -> str:
    digest = version.spec["files"]["tests.py"]
    return store().get([digest])[digest]


@pytest.mark.django_db
def test_versions_loaded_before_files_were_stored_get_theirs_by_digest_on_migrating(bank):
    """The data migration reads a version's trusted file once more by its old path."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("exercises.migrations.0002_versions_name_files_by_digest")
    version = Exercise.objects.get(slug="m3-d-sigma").current_version
    digest = version.spec["files"]["tests.py"]
    TrustedFile.objects.filter(sha256=digest).delete()
    path = "m3-chain-rule-and-neural-networks/m3-d-sigma/tests.py"
    version.spec = {**version.spec, "files": {"tests.py": path}}
    version.save()
    migration.files_by_digest(apps, None)
    version.refresh_from_db()
    assert version.spec["files"] == {"tests.py": digest}
    assert definition_for(version).parts[0].config["tests_source"] == stored_tests_of(version)


# A worker without the bank


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_from_a_checkout_without_the_bank_grades_every_kind(
    bank, live_worker, tmp_path, settings
):
    require_sandbox()
    settings.SANDPIT_PROBES_PER_SECOND = 1000
    live_worker(root=checkout_without_bank(tmp_path / "other-host"))
    learner = learner_in(make_course())

    def attempt_at(slug):
        return current_attempt(learner, Exercise.objects.get(slug=slug))

    expression = attempt_at("m1-chain-rule")
    number = attempt_at("m6-chi2")
    choice = attempt_at("m4-special-cases")
    options = definition_of(choice).parts[0].config["options"]
    right_options = [o["id"] for o in options if is_correct(o, choice.params)]
    matrix = attempt_at("m2-hessian")
    answers = {
        "m1-chain-rule": (expression, {"value": expression_text(expression)}, "correct"),
        "m6-chi2": (number, right_number_answers(number), "correct"),
        "m4-special-cases": (choice, {"choices": right_options}, "correct"),
        "m2-hessian": (matrix, {"matrix": [["0", "0"], ["0", "0"]]}, "incorrect"),
        "m3-d-sigma": (attempt_at("m3-d-sigma"), {"code": CORRECT_D_SIGMA}, "correct"),
    }
    sent = {slug: intake.submit(a, answer).pk for slug, (a, answer, _) in answers.items()}
    sandpit = play_the_sandpit(learner)
    verdicts = {slug: wait_for_status(pk, timeout=60).grading.verdict for slug, pk in sent.items()}
    assert verdicts == {slug: verdict for slug, (_, _, verdict) in answers.items()}
    played = wait_for_status(sandpit, timeout=60)
    assert played.status == Submission.Status.GRADED
    assert played.grading.score == pytest.approx(1.0)


def play_the_sandpit(learner) -> int:
    """Both rounds of the Sandpit, each found at its bottom: the last probe submits the game."""
    attempt = current_attempt(learner, Exercise.objects.get(slug="m2-sandpit"))
    client = Client(headers={"authorization": f"Bearer {api_key_for(learner)}"})
    last = {}
    for part in ("gradient", "depth_only"):
        x, y = landscape_for(definition_of(attempt).part(part), attempt.params).minimiser
        last = client.post(
            f"/api/v1/sandpit/{attempt.pk}/probe",
            json.dumps({"x": x, "y": y, "part": part}),
            content_type="application/json",
        ).json()
    return last["submission"]


def test_a_spec_cannot_supply_the_trusted_tests_text_itself():
    """The code a worker imports as tests.py comes only from the stored file, named by its hash."""
    from exercises.loader import build_definition

    spec = {
        "slug": "x",
        "title": "X",
        "prompt": "",
        "files": {},
        "parts": [
            {
                "name": "answer",
                "kind": "code",
                "weight": 1.0,
                "config": {"tests_source": "import os\nos.system('true')\n"},
            }
        ],
    }
    assert "tests_source" not in build_definition(spec, {}).parts[0].config
