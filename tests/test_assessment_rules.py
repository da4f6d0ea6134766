"""The rules of an assessment, without a database: schedules, lateness, penalties, best and last."""

from datetime import UTC, datetime, timedelta

from courseware.assessments import Phase, feedback_released, schedule_of
from courseware.models import Assessment, AssessmentException
from courseware.scoring import fraction, mark

DUE = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def homework(**fields) -> Assessment:
    values = {
        "opens_at": DUE - 24 * 7 * HOUR,
        "due_at": DUE,
        "late_until": DUE + 48 * HOUR,
        "late_credit": 0.5,
        "attempt_limit": 3,
    }
    return Assessment(**{**values, **fields})


def test_the_phases_of_a_schedule():
    schedule = schedule_of(homework(), None)
    assert schedule.phase(DUE - 24 * 8 * HOUR) == Phase.NOT_OPEN
    assert schedule.phase(DUE) == Phase.OPEN
    assert schedule.phase(DUE + HOUR) == Phase.LATE
    assert schedule.phase(DUE + 49 * HOUR) == Phase.CLOSED
    assert schedule_of(homework(due_at=None), None).phase(DUE + 1000 * HOUR) == Phase.OPEN
    assert schedule_of(homework(late_until=None), None).phase(DUE + HOUR) == Phase.CLOSED


def test_late_credit_multiplies_a_late_answer():
    schedule = schedule_of(homework(), None)
    on_time, late = mark([(DUE - HOUR, 1.0), (DUE + HOUR, 1.0)], schedule, 0.0)
    assert (on_time.value, late.value) == (1.0, 0.5)
    assert fraction([late], "best") == 0.5


def test_each_wrong_answer_before_costs_the_penalty_never_below_zero():
    schedule = schedule_of(homework(), None)
    answers = [(DUE - 3 * HOUR, 0.0), (DUE - 2 * HOUR, 0.5), (DUE - HOUR, 1.0)]
    marked = mark(answers, schedule, 0.25)
    assert [m.value for m in marked] == [0.0, 0.25, 0.5]
    assert [m.value for m in mark(answers, schedule, 0.75)] == [0.0, 0.0, 0.0]


def test_best_or_last_counted_submission():
    schedule = schedule_of(homework(), None)
    marked = mark([(DUE - 2 * HOUR, 1.0), (DUE - HOUR, 0.5)], schedule, 0.0)
    assert fraction(marked, Assessment.ScorePolicy.BEST) == 1.0
    assert fraction(marked, Assessment.ScorePolicy.LAST) == 0.5
    assert fraction([], Assessment.ScorePolicy.BEST) is None


def test_an_exception_overrides_dates_and_adds_attempts_and_time():
    exam = homework(time_limit_minutes=60)
    extension = AssessmentException(due_at=DUE + 72 * HOUR, extra_attempts=2, time_multiplier=1.5)
    schedule = schedule_of(exam, extension)
    assert schedule.phase(DUE + 60 * HOUR) == Phase.OPEN  # the class is closed by then
    assert schedule.credit_at(DUE + 60 * HOUR) == 1.0
    assert schedule.attempt_limit == 5
    assert schedule.time_limit_minutes == 90
    assert schedule.has_exception
    # the general late window ended before the learner's own due date: none is left
    assert schedule.phase(DUE + 73 * HOUR) == Phase.CLOSED


def test_an_exception_may_give_a_late_window_only():
    schedule = schedule_of(homework(), AssessmentException(late_until=DUE + 200 * HOUR))
    assert schedule.phase(DUE + 100 * HOUR) == Phase.LATE
    assert schedule.credit_at(DUE + 100 * HOUR) == 0.5


def test_release_of_feedback_follows_the_learners_own_due_time():
    before = DUE - HOUR
    later = homework(feedback=Assessment.FeedbackRelease.AFTER_DUE)
    schedule = schedule_of(later, None)
    assert not feedback_released(later, schedule, before)
    assert feedback_released(later, schedule, DUE + HOUR)
    extended = schedule_of(later, AssessmentException(due_at=DUE + 10 * HOUR))
    assert not feedback_released(later, extended, DUE + HOUR)
    hidden = homework(feedback="never")
    assert not feedback_released(hidden, schedule_of(hidden, None), DUE + 49 * HOUR)
