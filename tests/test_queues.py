"""Grading, sandboxed code and outbound delivery travel on separate Celery queues."""

import pytest

from courseware.grading import intake
from courseware.models import Exercise, Submission
from courseware.variants import current_attempt
from tangent import redis_client
from tangent.celery import app
from tangent.queues import CODE, DELIVERY, GRADING, QUEUES, for_kinds, worker_arguments
from tests.support.grading import expression_text, wait_for_status
from tests.support.people import learner_in, make_course
from tests.support.sandbox import CORRECT_D_SIGMA


def routed_to(task: str) -> str:
    return app.amqp.router.route({}, task)["queue"].name


def test_tasks_are_routed_to_their_queue():
    assert routed_to("courseware.tasks.grade_submission") == GRADING
    assert routed_to("courseware.tasks.sweep_stuck_submissions") == GRADING
    assert routed_to("lms.tasks.send_score") == DELIVERY
    assert routed_to("lms.tasks.send_webhook") == DELIVERY
    assert routed_to("lms.tasks.deliver_outbox") == DELIVERY
    # Never behind a rush's backlog of answers on the grading queue.
    assert routed_to("courseware.tasks.announce_missed_gradings") == DELIVERY


def test_code_answers_are_graded_on_the_sandbox_s_queue():
    assert for_kinds(["code"]) == CODE
    assert for_kinds(["expression", "code"]) == CODE
    assert for_kinds(["expression", "matrix", "interactive"]) == GRADING


def test_each_queue_has_its_own_worker_settings(monkeypatch):
    code = worker_arguments([CODE])
    assert code[code.index("--queues") + 1] == "code"
    assert code[code.index("--prefetch-multiplier") + 1] == "1"
    delivery = worker_arguments([DELIVERY])
    assert delivery[delivery.index("--pool") + 1] == "threads"
    assert int(delivery[delivery.index("--time-limit") + 1]) < int(
        code[code.index("--time-limit") + 1]
    )
    monkeypatch.setenv("TANGENT_CODE_CONCURRENCY", "6")
    code = worker_arguments([CODE])
    assert code[code.index("--concurrency") + 1] == "6"
    with pytest.raises(ValueError, match="unknown queue 'celery'"):
        worker_arguments(["celery"])


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_grading_worker_grades_expressions_while_code_waits_for_its_own_workers(
    bank, live_worker
):
    live_worker(queues=(GRADING,))
    learner = learner_in(make_course())
    coded = current_attempt(learner, Exercise.objects.get(slug="m3-d-sigma"))
    typed = current_attempt(learner, Exercise.objects.get(slug="m1-chain-rule"))
    code = intake.submit(coded, {"code": CORRECT_D_SIGMA})
    expression = intake.submit(typed, {"value": expression_text(typed)})
    assert wait_for_status(expression.pk).grading.verdict == "correct"
    assert Submission.objects.get(pk=code.pk).status == Submission.Status.QUEUED
    assert redis_client.queue_depth((CODE,)) == 1
    assert redis_client.queue_depth((GRADING,)) == 0
    assert redis_client.queue_depth() == 1  # the sweeper's "queue empty" counts both grading queues
    assert set(QUEUES) == {GRADING, CODE, DELIVERY}


def test_workers_look_for_a_dead_workers_messages_as_often_as_set():
    from tangent.settings import unacked_restore_options

    def every(seconds):
        options = unacked_restore_options(seconds)
        return options["unacked_restore_interval"], options["unacked_restore_throttle"]

    assert every(100) == (10, 10)  # kombu's own: a look every 10 s, one in 10 scanning Redis
    assert every(1) == (1, 1)
    assert every(30) == (10, 3)
