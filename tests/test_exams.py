"""Exams: a sitting's end is fixed by the server at start and enforced on every answer; drafts are
submitted when time runs out; accommodations, access codes, practice closed during the exam,
staff ending or extending a sitting, and scores released only when the policy allows."""

import pytest
from django.http import QueryDict
from django.utils import timezone

from courseware import assessments, exams, scoring
from courseware.grading.intake import SubmissionRefused, submit
from courseware.models import (
    AssessmentException,
    AuditEntry,
    ExamSitting,
    Exercise,
    OutboxEvent,
    Submission,
)
from courseware.option_tokens import option_token
from courseware.scoring import assessment_score
from courseware.tasks import finalise_expired_exams, grade_submission
from courseware.variants import current_item_attempt, new_attempt
from tests.support.exams import make_exam
from tests.support.people import enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db
MINUTE = timezone.timedelta(minutes=1)


@pytest.fixture
def exam(course):
    return make_exam(course, feedback="after_due", solutions="never", hints=False)


def choice_item(exam):
    return exam.items.order_by("position").first()


def chosen(learner, item, option="derivative"):
    attempt = learner.attempts.get(assessment_item=item)
    return option_token(attempt.pk, "answer", option)


def post(**fields):
    data = QueryDict(mutable=True)
    for name, value in fields.items():
        data.setlist(name.replace("_", "-"), [value])
    return data


def move_end(sitting, seconds_ago):
    ExamSitting.objects.filter(pk=sitting.pk).update(
        ends_at=timezone.now() - timezone.timedelta(seconds=seconds_ago)
    )
    sitting.refresh_from_db()


def test_starting_fixes_the_end_and_one_variant_per_item(exam, learner):
    sitting = exams.start(exam, learner)
    minutes = (sitting.ends_at - sitting.started_at).total_seconds() / 60
    assert minutes == pytest.approx(30)
    attempts = list(learner.attempts.filter(assessment_item__assessment=exam))
    assert len(attempts) == 2
    again = exams.start(exam, learner)
    assert again.pk == sitting.pk and again.ends_at == sitting.ends_at
    assert learner.attempts.filter(assessment_item__assessment=exam).count() == 2


def test_the_end_is_never_after_the_due_date(exam, learner):
    exam.due_at = timezone.now() + 10 * MINUTE
    exam.save()
    sitting = exams.start(exam, learner)
    assert sitting.ends_at == exam.due_at


def test_an_accommodation_multiplies_the_time(exam, learner):
    AssessmentException.objects.create(assessment=exam, learner=learner, time_multiplier=1.5)
    sitting = exams.start(exam, learner)
    assert (sitting.ends_at - sitting.started_at).total_seconds() == pytest.approx(45 * 60)


def test_the_access_code_and_the_window_are_checked(exam, learner):
    exam.access_code = "blue-heron"
    exam.save()
    with pytest.raises(exams.ExamRefused, match="access code"):
        exams.start(exam, learner, "red-heron")
    exam.opens_at = timezone.now() + MINUTE
    exam.save()
    with pytest.raises(exams.ExamRefused, match="opens at"):
        exams.start(exam, learner, "blue-heron")
    exam.opens_at = timezone.now() - 10 * MINUTE
    exam.save()
    assert exams.start(exam, learner, " blue-heron ").pk


def test_answers_need_a_started_exam_and_are_refused_after_its_end(exam, learner):
    item = choice_item(exam)
    exercise = assessments.drawn_exercise(item, learner)
    early = current_item_attempt(learner, item, exercise)
    with pytest.raises(SubmissionRefused, match="Start the exam first"):
        submit(early, {"choices": ["derivative"]})
    sitting = exams.start(exam, learner)
    attempt = current_item_attempt(learner, item, exercise)
    move_end(sitting, 3)  # inside the grace: an answer in flight is taken
    assert submit(attempt, {"choices": ["derivative"]}).pk
    move_end(sitting, 6)
    with pytest.raises(SubmissionRefused, match="answers are no longer taken"):
        submit(attempt, {"choices": ["derivative"]})
    assert exams.finalise_if_over(sitting)
    assert sitting.finish == ExamSitting.Finish.TIME


def test_drafts_are_submitted_and_graded_when_time_runs_out(exam, learner):
    sitting = exams.start(exam, learner)
    exams.save_draft(
        sitting, choice_item(exam), post(part_answer=chosen(learner, choice_item(exam)))
    )
    second = exam.items.order_by("position").last()
    exams.save_draft(sitting, second, post(part_secant="", part_tangent=""))  # nothing written
    move_end(sitting, 10)
    with pytest.raises(exams.ExamRefused, match="not saved"):
        exams.save_draft(
            sitting,
            choice_item(exam),
            post(part_answer=chosen(learner, choice_item(exam), "negated")),
        )
    assert finalise_expired_exams.apply().get() == 0  # already finalised by the refused save
    sitting.refresh_from_db()
    assert sitting.finished and sitting.finish == "time"
    submissions = list(Submission.objects.filter(attempt__learner=learner))
    assert len(submissions) == 1
    assert submissions[0].answer == {"choices": ["derivative"]}
    assert submissions[0].created_at <= sitting.ends_at
    grade_submission.apply(args=(submissions[0].pk, 1))
    assert assessment_score(exam, learner).points == 1  # on time: full credit


def test_the_periodic_sweep_finalises_expired_sittings_once(exam, learner):
    other = learner_in(exam.course, "grace")
    running = exams.start(exam, other)
    sitting = exams.start(exam, learner)
    exams.save_draft(
        sitting, choice_item(exam), post(part_answer=chosen(learner, choice_item(exam)))
    )
    move_end(sitting, 10)
    assert finalise_expired_exams.apply().get() == 1
    assert finalise_expired_exams.apply().get() == 0
    assert Submission.objects.filter(attempt__learner=learner).count() == 1
    running.refresh_from_db()
    assert not running.finished


def test_practice_is_closed_during_the_exam_in_that_course_only(exam, learner, course):
    exercise = Exercise.objects.get(slug="m1-graph-derivative-match")
    practice = new_attempt(learner, exercise, course)
    sitting = exams.start(exam, learner)
    with pytest.raises(SubmissionRefused, match="closed while your exam “Midterm”"):
        submit(practice, {"choices": ["derivative"]})
    elsewhere = make_course("calc-b", "Another offering")
    enrol(learner, elsewhere)
    assert submit(new_attempt(learner, exercise, elsewhere), {"choices": ["negated"]}).pk
    exams.finalise(sitting, ExamSitting.Finish.SUBMITTED)
    assert submit(practice, {"choices": ["derivative"]}).pk


def test_staff_end_and_extend_a_sitting_and_the_audit_log_says_so(exam, learner):
    staff = make_user("prof")
    sitting = exams.start(exam, learner)
    before = sitting.ends_at
    exams.extend(sitting, 10, staff)
    assert sitting.ends_at == before + 10 * MINUTE
    exams.end_now(sitting, staff)
    assert sitting.finish == "staff"
    with pytest.raises(exams.ExamRefused, match="already finished"):
        exams.extend(sitting, 5, staff)
    actions = list(
        AuditEntry.objects.filter(assessment=exam, learner=learner).values_list("action", flat=True)
    )
    assert actions == ["exam ended", "exam extended"]


def test_staff_cannot_end_or_extend_an_exam_whose_time_ran_out(exam, learner):
    staff = make_user("prof")
    sitting = exams.start(exam, learner)
    over = timezone.now() - exams.grace() - MINUTE
    ExamSitting.objects.filter(pk=sitting.pk).update(ends_at=over)
    sitting.refresh_from_db()
    with pytest.raises(exams.ExamRefused, match="already finished"):
        exams.end_now(sitting, staff)
    assert sitting.finish == ExamSitting.Finish.TIME  # time's end, not staff's
    with pytest.raises(exams.ExamRefused, match="already finished"):
        exams.extend(sitting, 5, staff)
    assert not AuditEntry.objects.filter(assessment=exam, learner=learner).exists()


def test_a_score_is_released_only_when_the_policy_and_the_sitting_allow(exam, learner):
    exam.feedback = "immediate"
    exam.save()
    sitting = exams.start(exam, learner)
    assert not exams.may_release_score(exam, learner)  # the exam is still running
    exams.finalise(sitting, ExamSitting.Finish.SUBMITTED)
    assert exams.may_release_score(exam, learner)
    exam.feedback = "after_due"
    exam.save()
    assert not exams.may_release_score(exam, learner)
    assert exams.may_release_score(exam, learner, at=exam.due_at + MINUTE)


def test_the_lms_gets_an_exam_score_only_once_it_may_be_released(exam, learner):
    """The assessment's LMS line sends the total only when it is released (lms.outbox)."""
    exam.feedback = "immediate"
    exam.save()
    sitting = exams.start(exam, learner)
    attempt = learner.attempts.get(assessment_item=choice_item(exam))
    submission = submit(attempt, {"choices": ["derivative"]})
    grade_submission.apply(args=(submission.pk, 1))
    assert OutboxEvent.objects.filter(kind="score.changed", payload__submission=submission.pk)
    assert not scoring.assessment_score(exam, learner).released  # the exam is still running
    exams.finalise(sitting, ExamSitting.Finish.SUBMITTED)
    assert scoring.assessment_score(exam, learner).released
    exam.feedback = "never"
    exam.save()
    assert not scoring.assessment_score(exam, learner).released
