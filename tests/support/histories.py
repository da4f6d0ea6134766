"""Submission histories written straight to the database, for the staff pages' tests."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db.models import Max
from django.utils import timezone

from courseware.models import Attempt, Exercise, ExerciseVersion, Grading, Module, Submission

START = timezone.now() - timedelta(days=10)


def variant(learner, exercise: Exercise, params: dict, course=None, seed: int = 0) -> Attempt:
    """An attempt on the exercise's current version with chosen parameters."""
    last = Attempt.objects.filter(learner=learner, exercise_version__exercise=exercise).aggregate(
        n=Max("number")
    )["n"]
    return Attempt.objects.create(
        learner=learner,
        course=course,
        exercise_version=exercise.current_version,
        number=(last or 0) + 1,
        seed=seed,
        params=params,
    )


def graded(
    attempt: Attempt,
    answer: dict,
    score: float,
    *,
    verdict: str | None = None,
    rule: str = "",
    feedback: list | None = None,
    minutes: float = 0,
) -> Submission:
    """A submission graded once by the engine, `minutes` after START."""
    verdict = verdict or ("correct" if score >= 1 else "partial" if score > 0 else "incorrect")
    at = START + timedelta(minutes=minutes)
    submission = Submission.objects.create(attempt=attempt, answer=answer, status="graded")
    grading = Grading.objects.create(
        submission=submission,
        grading_round=1,
        exercise_version=attempt.exercise_version,
        grader_version="test",
        status="graded",
        verdict=verdict,
        score=score,
        feedback=feedback or [],
        rule=rule,
        started_at=at,
        finished_at=at,
    )
    Submission.objects.filter(pk=submission.pk).update(grading=grading, created_at=at)
    submission.refresh_from_db()
    return submission


def power_rule_spec(answer: str = "k*a*x^(a-1)", params: dict | None = None) -> dict:
    """A small expression exercise: differentiate k x^a (its `answer` may be set wrong, to be fixed)."""
    return {
        "slug": "t-power-rule",
        "title": "The power rule",
        "params": params or {"a": {"int": [2, 5]}, "k": {"int": [1, 3]}},
        "prompt": "Differentiate $[[k]] x^{[[a]]}$.",
        "parts": [
            {
                "name": "answer",
                "kind": "expression",
                "weight": 1,
                "config": {
                    "variables": ["x"],
                    "answer": answer,
                    "mistakes": [
                        {
                            "answer": "k*x^(a-1)",
                            "feedback": "Multiply by the exponent.",
                            "rule": "forgot-exponent",
                        }
                    ],
                },
            }
        ],
    }


def add_version(exercise: Exercise, spec: dict, make_current: bool = True) -> ExerciseVersion:
    """A new version of the exercise with this spec (the bank loader's job, done by hand)."""
    number = (exercise.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    content = json.dumps(spec, sort_keys=True).encode()  # the hash names the content, as loaded
    version = ExerciseVersion.objects.create(
        exercise=exercise,
        number=number,
        content_hash=hashlib.sha256(content).hexdigest(),
        spec=spec,
    )
    if make_current:
        exercise.current_version = version
        exercise.save(update_fields=["current_version"])
    return version


def power_rule(answer: str = "k*a*x^(a-1)") -> Exercise:
    """The power-rule exercise in module 1, at version 1."""
    exercise = Exercise.objects.create(
        slug="t-power-rule", title="The power rule", module=Module.objects.order_by("order")[0]
    )
    add_version(exercise, power_rule_spec(answer))
    return exercise
