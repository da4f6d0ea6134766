"""Two answers sent at once to an item with one attempt left: one is taken, the other refused."""

import threading
import time

import pytest
from django.db import connection

from courseware import assessments
from courseware.grading import intake
from courseware.grading.intake import SubmissionRefused, submit
from courseware.variants import current_item_attempt
from tests.support.people import learner_in, make_course

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_last_attempt_is_taken_once(bank, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL (SQLite serialises every write anyway)")
    course = make_course()
    learner = learner_in(course)
    homework = course.assessments.get(slug="m1-matching-graphs")
    homework.attempt_limit = 1
    homework.save()
    item = homework.items.get()
    attempt = current_item_attempt(learner, item, assessments.drawn_exercise(item, learner))
    start, outcomes = threading.Barrier(2), []
    counted = intake.item_attempts_used

    def slowly_counted(*args):
        used = counted(*args)
        time.sleep(0.3)  # widen the window between counting and storing
        return used

    monkeypatch.setattr(intake, "item_attempts_used", slowly_counted)

    def answer():
        try:
            start.wait()
            submit(attempt, {"choices": ["derivative"]})
            outcomes.append("taken")
        except SubmissionRefused:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=answer) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["refused", "taken"]
    assert attempt.submissions.count() == 1
