"""Regrading after a fix, end to end through a real worker: new append-only gradings on the fixed
version, a before/after table, and changed best scores in the outbox (down as well as up)."""

import pytest

from courseware.grading.intake import submit
from courseware.models import Membership, OutboxEvent, Submission
from courseware.staff.regrading import RegradeFilter, regradable, regrade
from courseware.variants import new_attempt
from tests.support.grading import wait_for_status
from tests.support.histories import add_version, graded, power_rule, power_rule_spec, variant
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

RIGHT = "k*a*x^(a-1)"
BROKEN = "k*x^(a+1)"  # an authoring slip: the exponent is wrong


def right_answer(attempt) -> dict:
    a, k = attempt.params["a"], attempt.params["k"]
    return {"value": f"{k * a}x^{a - 1}"}


@pytest.fixture
def course(bank):
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    return course


def answer_and_wait(learner, exercise, course) -> Submission:
    attempt = new_attempt(learner, exercise, course)
    submission = submit(attempt, right_answer(attempt))
    return wait_for_status(submission.pk)


def test_regrading_after_a_fix_raises_scores_on_the_fixed_version_and_reports_the_change(
    client, course, live_worker
):
    live_worker()
    power = power_rule(answer=BROKEN)
    ada = learner_in(course, "ada")
    before = answer_and_wait(ada, power, course)
    assert (before.grading.verdict, before.grading.score) == ("incorrect", 0.0)
    broken_version = power.current_version
    fixed = add_version(power, power_rule_spec(RIGHT))

    client.login(username="prof", password=PASSWORD)
    page = client.get("/courses/calc/staff/exercises/t-power-rule/regrade/?verdict=incorrect")
    assert "<strong>1</strong> submission matches" in page.content.decode()
    response = client.post(
        "/courses/calc/staff/exercises/t-power-rule/regrade/",
        {"verdict": "incorrect", "version_choice": "current"},
        follow=True,
    )
    assert "Regrading 1 submission(s) in the background." in response.content.decode()

    after = wait_for_status(before.pk, grading_round=2)
    progress = client.get("/courses/calc/staff/exercises/t-power-rule/regrade/results/")
    assert "Queued 1 submission for regrading." in progress.content.decode()
    assert (after.grading_round, after.grading.verdict, after.grading.score) == (2, "correct", 1.0)
    assert after.grading.exercise_version == fixed
    assert [g.exercise_version for g in after.gradings.order_by("grading_round")] == [
        broken_version,
        fixed,
    ]
    event = OutboxEvent.objects.get(
        kind="score.changed", payload__submission=after.pk, payload__previous=0.0
    )
    assert event.payload["score"] == 1.0 and event.payload["learner"] == ada.pk

    table = client.get("/courses/calc/staff/exercises/t-power-rule/regrade/").content.decode()
    row = table.split("<tbody>", 1)[1].split("</tr>", 1)[0]
    assert (
        "ada" in row
        and "0% <span" in row
        and '"changed-up">100%' in row
        and "v1" in row
        and "→ v2" in row
    )
    assert "<strong>1</strong> changed score" in table


def test_a_regrade_that_lowers_a_best_score_is_a_change_too(course, live_worker):
    live_worker()
    power = power_rule(answer=RIGHT)
    ada = learner_in(course, "ada")
    submission = answer_and_wait(ada, power, course)
    assert submission.grading.score == 1.0
    add_version(power, power_rule_spec(BROKEN))  # a "fix" that breaks it

    report = regrade(regradable(course, power, RegradeFilter()))
    assert report.queued == [submission.pk] and report.moved_attempts == 1
    after = wait_for_status(submission.pk, grading_round=2)
    assert after.grading_round == 2 and after.grading.score == 0.0
    lowered = OutboxEvent.objects.filter(kind="score.changed", payload__previous=1.0)
    assert [e.payload["score"] for e in lowered] == [0.0]


def test_regrading_can_keep_the_version_each_attempt_was_drawn_on(course, live_worker):
    live_worker()
    power = power_rule(answer=RIGHT)
    submission = answer_and_wait(learner_in(course, "ada"), power, course)
    original = power.current_version
    add_version(power, power_rule_spec(BROKEN))
    regrade([submission], use_current_version=False)
    after = wait_for_status(submission.pk, grading_round=2)
    assert after.grading.exercise_version == original and after.grading.score == 1.0
    assert not OutboxEvent.objects.filter(payload__previous=1.0).exists()  # nothing changed


def test_an_attempt_whose_parameters_no_longer_fit_keeps_its_version(course):
    power = power_rule(answer=RIGHT)
    ada = learner_in(course, "ada")
    done = graded(variant(ada, power, {"a": 3, "k": 2}, course), {"value": "6x^2"}, 1.0)
    running = graded(variant(ada, power, {"a": 2, "k": 1}, course), {"value": "2x"}, 1.0)
    Submission.objects.filter(pk=running.pk).update(status="running")
    original = power.current_version
    add_version(power, power_rule_spec(RIGHT, params={"p": {"int": [2, 5]}, "k": {"int": [1, 3]}}))

    report = regrade(regradable(course, power, RegradeFilter()))
    assert report.queued == [done.pk] and report.skipped == 1  # one still being graded
    assert (report.moved_attempts, report.kept_version) == (0, 1)
    done.refresh_from_db()
    assert done.attempt.exercise_version == original and done.grading_round == 2
    assert done.status == "queued"


def test_a_large_regrade_is_queued_in_batches_out_of_the_request_with_its_progress_shown(
    client, course, monkeypatch
):
    from courseware.staff import regrading
    from courseware.tasks import grade_submission

    monkeypatch.setattr(regrading, "BATCH", 2)
    power = power_rule(answer=BROKEN)
    for name in ("ada", "bo", "cy"):
        attempt = new_attempt(learner_in(course, name), power, course)
        grade_submission.apply(args=(submit(attempt, right_answer(attempt)).pk, 1))
    ids = list(Submission.objects.values_list("pk", flat=True))
    regrading.start(course, power, ids, use_current_version=True)
    client.login(username="prof", password=PASSWORD)
    results = "/courses/calc/staff/exercises/t-power-rule/regrade/results/"
    waiting = client.get(results).content.decode()
    assert "Queuing regrades: 0 of 3…" in waiting and 'hx-trigger="every 2s"' in waiting
    regrading.run(course.pk, power.pk, ids, use_current_version=True)  # what the task runs
    assert set(Submission.objects.values_list("grading_round", "status")) == {(2, "queued")}
    assert "Queued 3 submissions for regrading." in client.get(results).content.decode()
