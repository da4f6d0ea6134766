"""No exam page or API response gives a reference answer, a verdict or a score away while the
release policy holds them: every non-code exercise of the first two modules as an exam item, a
wrong answer saved as a draft, the exam handed in and graded, and each response searched (the
scan of tests/support/leaks.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from courseware.answer_forms import field_name, part_widgets
from courseware.assessments import add_item
from courseware.models import Exercise, Submission
from courseware.option_tokens import option_token
from courseware.rendering import render_markdown
from courseware.tasks import grade_submission
from courseware.variants import definition_of
from tests.support.leaks import found_in, needles, visible_text
from tests.support.people import PASSWORD, api_key_for, learner_in, make_course
from tests.test_answer_leaks import wrong_payload

pytestmark = pytest.mark.django_db
MINUTE = timezone.timedelta(minutes=1)
KINDS = {"number", "expression", "choice"}
VERDICTS = ("Correct", "Incorrect", "Partly correct", "Score ")


def exam_exercises() -> list[Exercise]:
    chosen = []
    for exercise in Exercise.objects.filter(module__order__lte=2, retired=False).select_related(
        "current_version"
    ):
        kinds = {part["kind"] for part in exercise.current_version.spec.get("parts", [])}
        if kinds and kinds <= KINDS:
            chosen.append(exercise)
    return chosen


def draft_form(attempt, definition) -> dict:
    data = {}
    for part in definition.parts:
        payload = wrong_payload(part, attempt.params, anticipated=False)
        if part.kind == "choice":
            data[field_name(part)] = [
                option_token(attempt.pk, part.name, c) for c in payload["choices"]
            ]
        else:
            data[field_name(part)] = payload["value"]
    return data


def test_exam_pages_and_api_keep_answers_verdicts_and_scores_back(bank):
    course = make_course()
    exam = course.assessments.create(
        slug="final",
        title="Final",
        kind="exam",
        time_limit_minutes=60,
        opens_at=timezone.now() - MINUTE,
        due_at=timezone.now() + 120 * MINUTE,
        feedback="after_due",
        solutions="after_due",
    )
    exercises = exam_exercises()
    assert len(exercises) >= 5
    for exercise in exercises:
        add_item(exam, [exercise])
    learner = learner_in(course)
    site = Client()
    site.login(username=learner.username, password=PASSWORD)
    api = Client(headers={"authorization": f"Bearer {api_key_for(learner, ['read'])}"})
    base = "/courses/calc/assessments/final/"
    site.post(base + "start/")
    leaks, responses = [], 0

    def check(response, where, definition, attempt, verdicts=True):
        nonlocal responses
        responses += 1
        widgets = part_widgets(definition, attempt)
        question = [render_markdown(definition.prompt, attempt.params)]
        question += [w["label"] for w in widgets]
        question += [o["html"] for w in widgets for o in w.get("options", [])]
        text = visible_text(response.content.decode(), response["Content-Type"], question)
        leaks.extend(
            f"{where}: {leak}" for leak in found_in(text, needles(definition, attempt.params))
        )
        if verdicts:
            leaks.extend(f"{where}: shows {v!r}" for v in VERDICTS if v in text)

    items = list(exam.items.order_by("position"))
    for item in items:
        attempt = learner.attempts.get(assessment_item=item)
        definition = definition_of(attempt)
        url = f"{base}items/{item.pk}/"
        check(site.get(url), f"{item} page", definition, attempt)
        saved = site.post(url + "draft/", draft_form(attempt, definition))
        assert saved.status_code == 200
        check(saved, f"{item} draft", definition, attempt)
        check(site.get(url), f"{item} page with its draft", definition, attempt, verdicts=False)
    site.post(base + "finish/")
    submissions = Submission.objects.filter(attempt__learner=learner)
    assert submissions.count() == len(items)
    for submission in submissions:
        grade_submission.apply(args=(submission.pk, 1))
    for submission in submissions.select_related("attempt"):
        attempt, definition = submission.attempt, definition_of(submission.attempt)
        where = f"{attempt.exercise_version.exercise.slug} after hand-in"
        check(site.get(base), f"{where}, exam page", definition, attempt)
        check(site.get("/courses/calc/"), f"{where}, course page", definition, attempt)
        shown = api.get(f"/api/v1/submissions/{submission.pk}")
        assert shown.json()["verdict"] is None and shown.json()["score"] is None
        check(shown, f"{where}, API submission", definition, attempt, verdicts=False)
        assert api.get(f"/api/v1/results/{submission.pk}").status_code == 409
    assert responses > 4 * len(items)
    assert not leaks, "\n".join(leaks[:20])
