"""Deploying while learners submit: a bank reload and a migration lose nothing and misgrade nothing."""

import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

from courseware.grading.intake import submit
from courseware.models import Exercise, Grading, Submission
from courseware.variants import current_attempt
from exercises.loader import read_bank
from exercises.sync import load_bank
from tests.support.grading import right_number_answers, wait_for_status
from tests.support.people import make_course, make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_bank_reload_and_a_migration_during_grading_keep_every_submission_right(
    bank, live_worker, tmp_path
):
    course = make_course()
    exercise = Exercise.objects.get(slug="m1-rise-over-run")
    attempts = [current_attempt(make_user(f"l{i}"), exercise, course) for i in range(20)]
    live_worker(concurrency=2)
    first = [submit(a, right_number_answers(a)) for a in attempts]

    copy = tmp_path / "exercises"
    for module in read_bank(settings.EXERCISES_DIR).modules:
        shutil.copytree(settings.EXERCISES_DIR / module.slug, copy / module.slug)
    shutil.copy(settings.EXERCISES_DIR / "topics.yaml", copy)
    changed = copy / "m1-what-is-calculus" / "m1-rise-over-run.yaml"
    changed.write_text(
        changed.read_text().replace("a: {int: [-3, 3], not: [0]}", "a: {int: [4, 6]}")
    )
    report = load_bank(copy)  # a new version while the first answers are in flight
    assert "m1-rise-over-run v2" in " ".join(report.new_versions)
    second = [
        submit(a, right_number_answers(a)) for a in attempts
    ]  # same attempts: still version 1
    call_command("migrate", verbosity=0)

    for submission in first + second:
        graded = wait_for_status(submission.pk, timeout=90)
        assert graded.status == "graded"
        assert graded.grading.verdict == "correct", graded.grading.feedback
        assert graded.grading.exercise_version.number == 1
    assert Grading.objects.count() == Submission.objects.count() == 40
