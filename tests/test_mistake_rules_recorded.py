"""A grading where many parts' anticipated mistakes fire is recorded whole: every rule is kept for
the analytics, however many parts the exercise has."""

import pytest
from django.test import Client

from courseware.models import Exercise, Submission
from courseware.tasks import grade_submission
from courseware.variants import definition_of, new_attempt
from tests.support.filled_forms import form_for
from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = pytest.mark.django_db
SLUG = "m5-optimisation-scenarios"  # six parts, each with long rule names


def test_every_parts_mistake_is_graded_and_named(bank):
    course = make_course()
    learner = learner_in(course)
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    attempt = new_attempt(learner, Exercise.objects.get(slug=SLUG), course, seed=1)
    definition = definition_of(attempt)

    taken = client.post(
        f"/courses/{course.slug}/exercises/{SLUG}/submit/",
        form_for(attempt, definition, anticipated=True),
    )
    assert taken.status_code == 202
    submission = Submission.objects.get(attempt=attempt)
    grade_submission.apply(args=(submission.pk, submission.grading_round))

    submission.refresh_from_db()
    assert submission.status == Submission.Status.GRADED
    assert submission.grading.verdict == "incorrect"
    fired = dict(entry.split(":", 1) for entry in submission.grading.rule.split(","))
    assert set(fired) == {part.name for part in definition.parts}
    assert len(submission.grading.rule) > 200
    fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "there is no analytic Hessian" in fragment  # the first part's mistake, named
