"""Assessments in the database: the course template, pools, attempt limits across variants,
exceptions, scores with late credit and penalties, and staff edits that outlive a bank reload."""

import pytest
from django.utils import timezone

from courseware import assessments, scoring
from courseware.grading.intake import SubmissionRefused, submit
from courseware.models import Assessment, AssessmentException, Exercise, ItemDraw, Quiz
from courseware.tasks import grade_submission
from courseware.variants import current_item_attempt, new_attempt
from exercises.sync import apply_bank
from tests.conftest import parsed_bank
from tests.support.people import learner_in, make_course, make_user

pytestmark = pytest.mark.django_db
HOUR = timezone.timedelta(hours=1)
RIGHT, WRONG = {"choices": ["derivative"]}, {"choices": ["negated"]}


@pytest.fixture
def matching(course) -> Assessment:
    """The course's copy of the quiz with one exercise: m1-graph-derivative-match."""
    return course.assessments.get(slug="m1-matching-graphs")


def answer(learner, item, choice, at=None):
    """Answer the learner's current variant of the item and grade it; `at` backdates it."""
    attempt = current_item_attempt(learner, item, assessments.drawn_exercise(item, learner))
    submission = submit(attempt, choice)
    if at is not None:
        type(submission).objects.filter(pk=submission.pk).update(created_at=at)
    grade_submission.apply(args=(submission.pk, 1))
    return submission


def test_a_new_course_gets_a_copy_of_every_bank_quiz(course):
    quizzes = Quiz.objects.order_by("module__order", "order")
    copies = list(course.assessments.order_by("position"))
    assert [a.slug for a in copies] == [q.slug for q in quizzes]
    assert all(a.kind == Assessment.Kind.HOMEWORK for a in copies)
    differentiate = course.assessments.get(slug="m1-differentiate-some-functions")
    assert [e.slug for item in differentiate.items.all() for e in item.exercises.all()] == [
        "m1-first-principles",
        "m1-power-sum",
        "m1-special-functions",
    ]
    assert differentiate.source_quiz.slug == "m1-differentiate-some-functions"
    assert assessments.copy_bank_template(course) == []  # idempotent


def test_staff_edits_survive_reloading_the_bank(course, matching):
    matching.title = "Homework 1"
    matching.due_at = timezone.now() + 24 * HOUR
    matching.late_credit = 0.5
    matching.save()
    matching.items.get().delete()
    assessments.add_item(
        matching,
        list(Exercise.objects.filter(slug__in=["m1-power-sum", "m1-product-rule"])),
        points=4,
    )
    apply_bank(parsed_bank())
    matching.refresh_from_db()
    assert (matching.title, matching.late_credit) == ("Homework 1", 0.5)
    item = matching.items.get()
    assert item.points == 4
    assert sorted(e.slug for e in item.exercises.all()) == ["m1-power-sum", "m1-product-rule"]


def test_a_pool_is_drawn_once_per_learner(course, matching):
    pool = list(Exercise.objects.filter(module__slug="m1-what-is-calculus", retired=False))
    item = assessments.add_item(matching, pool)
    learners = [learner_in(course, f"learner{i}") for i in range(12)]
    first = {u.pk: assessments.drawn_exercise(item, u) for u in learners}
    again = {u.pk: assessments.drawn_exercise(item, u) for u in learners}
    assert first == again
    assert ItemDraw.objects.filter(item=item).count() == 12
    assert len(set(first.values())) > 1  # not everyone drew the same exercise


def test_the_attempt_limit_counts_across_variants(learner, matching):
    matching.attempt_limit = 2
    matching.save()
    item = matching.items.get()
    answer(learner, item, WRONG)
    new_attempt(learner, item.exercises.get(), matching.course, item=item)  # another variant
    answer(learner, item, WRONG)
    with pytest.raises(SubmissionRefused, match="You have used all 2 attempts for this item"):
        answer(learner, item, RIGHT)
    assert scoring.item_attempts_used(learner, item) == 2


def test_practice_outside_the_assessment_is_not_an_attempt_of_it(learner, matching):
    matching.attempt_limit = 1
    matching.save()
    item = matching.items.get()
    practice = new_attempt(learner, item.exercises.get(), matching.course)
    submit(practice, WRONG)
    answer(learner, item, RIGHT)
    assert scoring.item_attempts_used(learner, item) == 1


def test_an_exception_reopens_a_closed_assessment_and_adds_attempts(learner, matching):
    now = timezone.now()
    matching.due_at, matching.attempt_limit = now - HOUR, 1
    matching.save()
    item = matching.items.get()
    with pytest.raises(SubmissionRefused, match="was due at"):
        answer(learner, item, RIGHT)
    AssessmentException.objects.create(
        assessment=matching, learner=learner, due_at=now + HOUR, extra_attempts=1
    )
    answer(learner, item, WRONG)
    answer(learner, item, RIGHT)
    with pytest.raises(SubmissionRefused, match="all 2 attempts"):
        answer(learner, item, RIGHT)
    assert scoring.assessment_score(matching, learner).fraction == 1.0


def test_scores_apply_late_credit_and_penalties(course, learner, matching):
    now = timezone.now()
    matching.due_at, matching.late_until = now - 2 * HOUR, now + HOUR
    matching.late_credit, matching.penalty_per_wrong_attempt = 0.5, 0.2
    matching.save()
    item = matching.items.get()
    item.points = 10
    item.save()
    answer(learner, item, WRONG, at=now - 3 * HOUR)  # on time, wrong
    answer(learner, item, RIGHT)  # late, one wrong before: (1 - 0.2) * 0.5
    score = scoring.assessment_score(matching, learner)
    [item_score] = score.items
    assert item_score.fraction == pytest.approx(0.4)
    assert item_score.points == pytest.approx(4.0)
    assert item_score.late and item_score.used == 2
    other = learner_in(course, "grace")
    assert scoring.assessment_scores(matching, [learner, other])[other.pk].points == 0


def test_the_last_counted_submission_when_the_policy_says_so(learner, matching):
    matching.score_policy = Assessment.ScorePolicy.LAST
    matching.save()
    item = matching.items.get()
    answer(learner, item, RIGHT, at=timezone.now() - HOUR)
    answer(learner, item, WRONG)
    assert scoring.item_score(item, learner).fraction == 0.0


def test_an_unreadable_answer_is_not_counted(learner, matching):
    item = matching.items.get()
    submission = answer(learner, item, RIGHT)
    assert scoring.counts_as_attempt(submission) is True
    type(submission).objects.filter(pk=submission.pk).update(status="cancelled")
    assert scoring.item_attempts_used(learner, item) == 0


def test_courses_have_their_own_copies(course, matching):
    other = make_course("other", "Another offering")
    theirs = other.assessments.get(slug="m1-matching-graphs")
    matching.title = "Changed here"
    matching.save()
    theirs.refresh_from_db()
    assert theirs.title != "Changed here"
    assert make_user("nobody") and theirs.pk != matching.pk


def test_a_changed_exercise_gives_new_attempts_the_new_version_and_keeps_old_ones(
    learner, matching
):
    item = matching.items.get()
    exercise = item.exercises.get()
    old = current_item_attempt(learner, item, exercise)
    changed = exercise.versions.create(
        number=exercise.current_version.number + 1,
        content_hash="changed",
        spec=exercise.current_version.spec,
    )
    Exercise.objects.filter(pk=exercise.pk).update(current_version=changed)
    exercise.refresh_from_db()
    assert current_item_attempt(learner, item, exercise) == old  # the learner's variant stays
    fresh = new_attempt(learner, exercise, matching.course, item=item)
    old.refresh_from_db()
    assert (old.exercise_version.number, fresh.exercise_version) == (changed.number - 1, changed)


def test_the_data_migration_gives_an_existing_course_its_copies(course):
    from importlib import import_module

    from django.apps import apps

    course.assessments.all().delete()
    migration = import_module("courseware.migrations.0006_course_assessments")
    migration.copy_quizzes(apps, None)
    copies = course.assessments.order_by("position")
    assert [a.slug for a in copies] == list(
        Quiz.objects.order_by("module__order", "order").values_list("slug", flat=True)
    )
    assert copies.get(slug="m1-product-rule-quiz").items.count() == 2
    migration.copy_quizzes(apps, None)  # running again adds nothing
    assert course.assessments.count() == copies.count()


def test_shuffled_items_keep_each_learner_order(course):
    differentiate = course.assessments.get(slug="m1-differentiate-some-functions")
    differentiate.shuffle = True
    differentiate.save()
    learners = [learner_in(course, f"learner{i}") for i in range(8)]
    orders = {u.pk: [i.pk for i in assessments.items_for(differentiate, u)] for u in learners}
    assert orders == {
        u.pk: [i.pk for i in assessments.items_for(differentiate, u)] for u in learners
    }
    assert len({tuple(o) for o in orders.values()}) > 1
    assert all(sorted(o) == sorted(orders[learners[0].pk]) for o in orders.values())
