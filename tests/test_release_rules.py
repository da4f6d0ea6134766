"""The release rule: which hints and whether the worked solution a learner may see for one attempt."""

import pytest

from courseware.release import PRACTICE, Policy, Standing, release
from grader.spec import ExerciseDef, PartDef

PART = PartDef("answer", "number", 1.0, {"answer": "1"})
EXERCISE = ExerciseDef("e", "E", (PART,), hints=("one", "two"), solution="The working.")


def test_practice_gives_a_hint_per_failed_answer_and_the_solution_once_solved():
    assert release(EXERCISE, Standing()) == release(EXERCISE, Standing(), PRACTICE)
    fresh = release(EXERCISE, Standing())
    assert (fresh.feedback, fresh.hints, fresh.solution) == (True, 0, False)
    assert release(EXERCISE, Standing(failed=1)).hints == 1
    assert release(EXERCISE, Standing(failed=5)).hints == 2
    assert release(EXERCISE, Standing(failed=1)).solution is False
    assert release(EXERCISE, Standing(failed=1, solved=True)).solution is True


def test_practice_shows_the_solution_after_the_authored_number_of_failures():
    patient = ExerciseDef("e", "E", (PART,), solution="The working.", solution_after=2)
    assert release(patient, Standing(failed=1)).solution is False
    assert release(patient, Standing(failed=2)).solution is True


def test_no_solution_is_shown_when_the_exercise_has_none():
    bare = ExerciseDef("e", "E", (PART,))
    assert release(bare, Standing(solved=True)).solution is False


def test_assessment_policies_hold_feedback_and_solutions_back():
    after_due = Policy(feedback="after_due", solutions="after_due")
    held = release(EXERCISE, Standing(failed=3, solved=True), after_due)
    assert (held.feedback, held.hints, held.solution) == (False, 0, False)
    due = release(EXERCISE, Standing(failed=0, past_due=True, closed=True), after_due)
    assert (due.feedback, due.hints, due.solution) == (True, 2, True)
    never = Policy(feedback="never", solutions="never")
    closed = release(EXERCISE, Standing(failed=3, solved=True, past_due=True), never)
    assert (closed.feedback, closed.hints, closed.solution) == (False, 0, False)


def test_an_unknown_policy_is_refused():
    with pytest.raises(ValueError, match="solutions must be one of"):
        Policy(solutions="sometimes")


def test_a_solution_after_the_due_time_waits_for_the_late_window_to_close():
    policy = Policy("after_due", "after_due")
    late_window_open = release(EXERCISE, Standing(past_due=True, closed=False), policy)
    assert late_window_open.feedback and not late_window_open.solution
    assert release(EXERCISE, Standing(past_due=True, closed=True), policy).solution


def test_solving_shows_no_solution_before_feedback_may_say_it_was_solved():
    policy = Policy("after_due", "after_solved")
    assert not release(EXERCISE, Standing(solved=True), policy).solution
    assert release(EXERCISE, Standing(solved=True, past_due=True), policy).solution


def test_an_assessment_without_hints_shows_none():
    shown = release(EXERCISE, Standing(failed=2), Policy(hints=False))
    assert shown.hints == 0 and shown.feedback
