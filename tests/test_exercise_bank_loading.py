"""Loading the bank: idempotent, versioned by content, and clear about bad files."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from courseware.grading.pipeline import evaluate
from courseware.models import Exercise, ExerciseVersion, Grading, Module, Quiz, Submission
from courseware.variants import current_attempt, new_attempt
from exercises.loader import read_bank
from tests.conftest import parsed_bank
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_bank")]
MODULE = "m1-what-is-calculus"


@pytest.fixture
def bank_dir(tmp_path) -> Path:
    """A copy of the real bank that a test may edit."""
    root = tmp_path / "exercises"
    for module in parsed_bank().modules:
        shutil.copytree(
            settings.EXERCISES_DIR / module.slug,
            root / module.slug,
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    shutil.copy(settings.EXERCISES_DIR / "topics.yaml", root)
    return root


def load(path: Path) -> str:
    from io import StringIO

    out = StringIO()
    call_command("load_exercises", "--path", str(path), stdout=out)
    return out.getvalue()


def test_the_repository_bank_is_valid():
    bank = read_bank(settings.EXERCISES_DIR)
    assert bank.errors == []
    assert [m.order for m in bank.modules] == [1, 2, 3, 4, 5, 6]


def test_loading_twice_changes_nothing(bank_dir):
    first = load(bank_dir)
    assert "6 modules" in first
    assert "new: m1-rise-over-run v1" in first
    second = load(bank_dir)
    assert "0 new version(s)" in second
    assert ExerciseVersion.objects.filter(exercise__slug="m1-rise-over-run").count() == 1
    assert Module.objects.count() == 6
    assert list(
        Quiz.objects.get(slug="m1-rise-over-run-quiz").exercises.values_list("slug", flat=True)
    ) == ["m1-rise-over-run"]


def test_a_changed_file_makes_a_new_version_and_old_submissions_keep_theirs(bank_dir):
    load(bank_dir)
    learner = learner_in(make_course())
    exercise = Exercise.objects.get(slug="m1-rise-over-run")
    old_attempt = current_attempt(learner, exercise)
    old = Submission.objects.create(
        attempt=old_attempt, answer={"parts": {"secant": {"value": "1"}, "tangent": {"value": "1"}}}
    )
    path = bank_dir / MODULE / "m1-rise-over-run.yaml"
    path.write_text(
        path.read_text().replace("title: Rise over run", "title: Rise over run (revised)")
    )
    assert "new: m1-rise-over-run v2" in load(bank_dir)
    exercise.refresh_from_db()
    assert exercise.title == "Rise over run (revised)"
    assert exercise.current_version.number == 2
    old.refresh_from_db()
    assert old.attempt.exercise_version.number == 1
    assert evaluate(old).verdict in {"correct", "incorrect", "partial"}  # still gradable on v1
    assert new_attempt(learner, exercise).exercise_version.number == 2


def test_a_removed_exercise_is_retired_not_deleted(bank_dir):
    load(bank_dir)
    (bank_dir / MODULE / "m1-graph-derivative-match.yaml").unlink()
    module_file = bank_dir / MODULE / "_module.yaml"
    module_file.write_text(
        module_file.read_text().replace("exercises: [m1-graph-derivative-match]", "exercises: []")
    )
    assert "retired: m1-graph-derivative-match" in load(bank_dir)
    assert Exercise.objects.get(slug="m1-graph-derivative-match").retired


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda t: t.replace("title: Rise over run", "title: ''"),
            "m1-rise-over-run.yaml:2: title: required (text)",
        ),
        (
            lambda t: t.replace("kind: number", "kind: essay", 1),
            "m1-rise-over-run.yaml:22: parts[0].kind: one of number",
        ),
        (
            lambda t: t.replace("a: {int: [-3, 3], not: [0]}", "a: {int: [3, -3]}"),
            ":6: params.a.int: low is greater than high",
        ),
        (
            lambda t: t.replace('answer: "2*a*x0 + b"', "feedback: x"),
            "parts.tangent.answer: required",
        ),
        (
            lambda t: t.replace("slug: m1-rise-over-run", "slug: something-else"),
            "slug: must match the file name",
        ),
        (lambda t: t + "\n  - : :\n bad", "m1-rise-over-run.yaml: line"),
    ],
)
def test_invalid_files_are_rejected_with_file_field_and_reason(bank_dir, edit, expected, capsys):
    path = bank_dir / MODULE / "m1-rise-over-run.yaml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(CommandError, match="nothing was loaded"):
        load(bank_dir)
    assert expected in capsys.readouterr().err
    assert Exercise.objects.count() == 0
    assert Grading.objects.count() == 0


def test_a_quiz_naming_a_missing_exercise_is_rejected(bank_dir, capsys):
    module_file = bank_dir / MODULE / "_module.yaml"
    module_file.write_text(
        module_file.read_text().replace("exercises: [m1-rise-over-run]", "exercises: [m1-nope]")
    )
    with pytest.raises(CommandError):
        load(bank_dir)
    assert "quizzes.m1-rise-over-run-quiz: no exercise 'm1-nope'" in capsys.readouterr().err
