"""Exercise analytics on generated histories: success, attempts and time to correct, mistakes,
wrong answers grouped by equivalence, and failing tests of code exercises."""

import pytest

from courseware.models import Exercise, Membership
from courseware.staff.analytics import compute_stats, counted_submissions
from courseware.staff.wrong_answers import group_wrong_answers
from tests.support.histories import graded, power_rule, variant
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

# d/dx 2x^3 = 6x^2; forgetting the exponent gives 2x^2.
SIX = {"a": 3, "k": 2}
EIGHT = {"a": 4, "k": 2}
FORGOT = "forgot-exponent"


@pytest.fixture
def history(bank):
    """Four learners: right at once; right at the 3rd try; right at the 2nd; never."""
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    power = power_rule()
    right = {"value": "6x^2"}
    one, two, three, four = (learner_in(course, name) for name in ("ann", "ben", "cat", "dan"))
    graded(variant(one, power, SIX, course), right, 1.0, minutes=0)
    a = variant(two, power, SIX, course)
    graded(a, {"value": "2*x^2"}, 0.0, rule=FORGOT, minutes=0)
    graded(a, {"value": "x^2 + x^2"}, 0.0, rule=FORGOT, minutes=5)
    graded(a, right, 1.0, minutes=10)
    b = variant(three, power, SIX, course)
    graded(b, {"value": "2x^2"}, 0.0, rule=FORGOT, minutes=0)
    graded(b, right, 1.0, minutes=30)
    c = variant(four, power, SIX, course)
    graded(c, {"value": "6x"}, 0.0, minutes=0)
    graded(c, {"value": "3x^2 * 2"}, 0.5, verdict="partial", minutes=1)  # right, wrong form
    graded(variant(four, power, EIGHT, course), {"value": "6x"}, 0.0, minutes=2)
    graded(c, {"value": "sin("}, 0.0, verdict="invalid", minutes=3)  # not an attempt
    return course, power


def test_success_at_first_try_and_eventually_attempts_and_time_to_correct(history):
    stats = compute_stats(counted_submissions(*history))
    assert stats.learners == 4 and stats.attempts == 9
    assert stats.first_try_correct == 0.25 and stats.eventually_correct == 0.75
    assert stats.median_attempts_to_correct == 2
    assert stats.median_time_to_correct.total_seconds() == 10 * 60
    assert stats.rules == [(FORGOT, 3)]


def test_wrong_answers_that_are_the_same_function_form_one_group(history):
    grouping = group_wrong_answers(counted_submissions(*history))
    groups = [(g.count, sorted(g.texts), g.params["a"], g.matches_answer) for g in grouping.groups]
    assert groups[0] == (3, ["2*x^2", "2x^2", "x^2 + x^2"], 3, False)
    assert grouping.groups[0].rules == {FORGOT}
    # The same text in two variants is two groups: their parameters differ.
    assert sorted(g[:3] for g in groups[1:]) == [
        (1, ["3x^2 * 2"], 3),
        (1, ["6x"], 3),
        (1, ["6x"], 4),
    ]
    assert [g.matches_answer for g in grouping.groups if g.texts == ["3x^2 * 2"]] == [True]
    assert not grouping.ran_out_of_time


def test_grouping_stops_comparing_when_its_time_budget_is_spent(history):
    ticks = iter(range(0, 10_000, 10))  # every look at the clock is ten seconds later
    grouping = group_wrong_answers(counted_submissions(*history), now=lambda: next(ticks))
    assert grouping.ran_out_of_time
    assert sum(g.count for g in grouping.groups) == grouping.considered == 6


def test_analytics_page_shows_figures_mistakes_and_rendered_answer_groups(client, history):
    client.login(username="prof", password=PASSWORD)
    page = client.get("/courses/calc/staff/exercises/t-power-rule/").content.decode()
    assert "25.0%" in page and "75.0%" in page  # first try, eventually
    assert "10 min" in page
    assert f"<code>{FORGOT}</code>" in page
    assert '<td class="num">3</td>' in page
    assert '<span class="math">' in page  # groups are typeset with KaTeX
    assert "200 most recent wrong answers" in page
    assert "<svg" in page and "Best scores" in page


def test_code_exercises_show_the_tests_that_fail_most_and_their_diagnoses(client, bank):
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    exercise = Exercise.objects.get(slug="m2-jacobian")
    feedback = [
        {"type": "test", "text": "gradient at a random point", "data": {"name": "random point", "passed": False}},
        {"type": "test", "text": "shape", "data": {"name": "shape", "passed": True}},
        {"type": "diagnosis", "text": "Your W gradient is transposed.", "data": {}},
    ]  # fmt: skip
    for name in ("ann", "ben"):
        graded(variant(learner_in(course, name), exercise, {"a": 1, "b": 2, "c": 3}, course),
               {"matrix": [["0"]]}, 0.0, feedback=feedback)  # fmt: skip
    client.login(username="prof", password=PASSWORD)
    page = client.get("/courses/calc/staff/exercises/m2-jacobian/").content.decode()
    tests = page.split("Code: tests that fail most", 1)[1]
    assert '<td>random point</td><td class="num">2</td>' in tests
    assert "shape" not in tests.split("Code: diagnoses")[0]
    assert '<td>Your W gradient is transposed.</td><td class="num">2</td>' in tests
