"""Staff pages of assessments: creating a course, composing from the bank, schedule and policy,
exceptions, grades with weights and totals (and CSV), the audit log, and course scoping."""

import csv
import io
import re

import pytest
from django.test import Client
from django.utils import timezone

from courseware import assessments
from courseware.grading.intake import submit
from courseware.models import (
    AssessmentException,
    AuditEntry,
    Course,
    Exercise,
    Membership,
    Submission,
)
from courseware.tasks import grade_submission
from courseware.variants import current_item_attempt
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db
HOUR = timezone.timedelta(hours=1)
STAFF = "/courses/calc/staff"


@pytest.fixture
def course(bank):
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    return course


@pytest.fixture
def prof(course):
    client = Client()
    client.login(username="prof", password=PASSWORD)
    return client


@pytest.fixture
def homework(course):
    return course.assessments.get(slug="m1-matching-graphs")


def test_an_instructor_creates_a_course_that_starts_from_the_template(prof):
    response = prof.post("/courses/new/", {"title": "Spring term", "slug": "spring"})
    assert response.status_code == 302
    spring = Course.objects.get(slug="spring")
    assert spring.memberships.get().role == Membership.Role.STAFF
    assert spring.assessments.filter(slug="m1-matching-graphs").exists()
    assert prof.post("/courses/new/", {"title": "Again", "slug": "spring"}).status_code == 400
    learner = Client()
    learner.login(username=learner_in(spring, "ada").username, password=PASSWORD)
    assert learner.get("/courses/new/").status_code == 404


def test_composing_from_the_bank_with_a_pool(prof, homework):
    search = prof.get(f"{STAFF}/assessments/{homework.slug}/?kind=matrix").content.decode()
    assert (
        "Jacobian" in search
        and "Match a function to its derivative" not in search.split('id="bank"')[1]
    )
    response = prof.post(
        f"{STAFF}/assessments/{homework.slug}/items/",
        {"exercise": ["m1-power-sum", "m1-product-rule"], "points": "3", "pool": "on"},
    )
    assert response.status_code == 302
    item = homework.items.order_by("-position").first()
    assert item.points == 3
    assert sorted(e.slug for e in item.exercises.all()) == ["m1-power-sum", "m1-product-rule"]
    page = prof.get(f"{STAFF}/assessments/{homework.slug}/").content.decode()
    assert "pool" in page
    entry = AuditEntry.objects.get(action="items changed")
    assert entry.actor.username == "prof" and entry.assessment == homework


def test_items_are_ordered_and_pointed_and_an_answered_one_stays(prof, homework, course):
    first = homework.items.get()
    second = assessments.add_item(homework, [Exercise.objects.get(slug="m1-power-sum")])
    prof.post(f"{STAFF}/assessments/{homework.slug}/items/{second.pk}/", {"move": "up"})
    assert list(homework.items.order_by("position")) == [second, first]
    prof.post(f"{STAFF}/assessments/{homework.slug}/items/{first.pk}/", {"points": "5"})
    first.refresh_from_db()
    assert first.points == 5
    current_item_attempt(learner_in(course), first, first.exercises.get())
    response = prof.post(f"{STAFF}/assessments/{homework.slug}/items/{first.pk}/", {"remove": "1"})
    assert response.status_code == 422
    assert "cannot be removed" in response.content.decode()
    bad = prof.post(f"{STAFF}/assessments/{homework.slug}/items/{first.pk}/", {"points": "many"})
    assert (bad.status_code, "Points must be a number." in bad.content.decode()) == (422, True)
    nan = prof.post(f"{STAFF}/assessments/{homework.slug}/items/{first.pk}/", {"points": "nan"})
    assert "Points must be a number, 0 or more." in nan.content.decode()
    none = prof.post(f"{STAFF}/assessments/{homework.slug}/items/", {"points": "1"})
    assert "Choose at least one exercise." in none.content.decode()
    unknown = prof.post(
        f"{STAFF}/assessments/{homework.slug}/items/", {"exercise": ["m1-power-sum", "nope"]}
    )
    assert unknown.status_code == 422
    assert "nope is not a live exercise of the bank." in unknown.content.decode()
    moved = prof.post(f"{STAFF}/assessments/{homework.slug}/items/{first.pk}/", {"move": "left"})
    assert (moved.status_code, "Select a valid choice." in moved.content.decode()) == (422, True)
    nothing = prof.post(f"{STAFF}/assessments/{homework.slug}/items/{first.pk}/", {})
    assert "Points must be a number." in nothing.content.decode()
    assert homework.items.count() == 2
    assert homework.items.filter(pk=first.pk).exists()


def test_settings_take_dates_and_a_late_penalty_and_refuse_nonsense(prof, homework):
    url = f"{STAFF}/assessments/{homework.slug}/"
    form = {
        "title": "Homework 1",
        "kind": "homework",
        "position": "0",
        "due_at": "2026-03-01T12:00",
        "late_until": "2026-03-03T12:00",
        "late_credit_percent": "50",
        "penalty_percent": "10",
        "score_policy": "best",
        "feedback": "immediate",
        "solutions": "after_due",
        "hints": "on",
        "weight": "2",
    }
    assert prof.post(url, form).status_code == 302
    homework.refresh_from_db()
    assert (homework.late_credit, homework.penalty_per_wrong_attempt, homework.weight) == (
        0.5,
        0.1,
        2,
    )
    assert homework.due_at.isoformat() == "2026-03-01T12:00:00+00:00"
    bad = prof.post(url, {**form, "late_until": "2026-02-01T12:00", "late_credit_percent": "150"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "The late window must end after the due date." in text
    assert "less than or equal to 100" in text
    bad = prof.post(url, {**form, "weight": "-1"})
    assert "The weight cannot be negative." in bad.content.decode()


def test_the_weight_field_asks_the_browser_for_no_negative_number(prof, homework):
    page = prof.get(f"{STAFF}/assessments/{homework.slug}/").content.decode()
    assert re.search(
        r'<input[^>]*name="weight"[^>]*min="0"|<input[^>]*min="0"[^>]*name="weight"', page
    )


def test_an_extension_is_granted_audited_and_applied(prof, course, homework):
    ada = learner_in(course)
    homework.due_at = timezone.now() - HOUR
    homework.save()
    url = f"{STAFF}/assessments/{homework.slug}/exceptions/"
    due = (timezone.now() + HOUR).strftime("%Y-%m-%dT%H:%M")
    response = prof.post(
        url,
        {
            "learner": ada.pk,
            "due_at": due,
            "extra_attempts": "0",
            "time_multiplier": "1",
            "reason": "illness",
        },
    )
    assert response.status_code == 302
    assert AssessmentException.objects.get(learner=ada).reason == "illness"
    entry = AuditEntry.objects.get(action="exception set")
    assert (entry.learner, entry.actor.username, entry.detail["reason"]) == (ada, "prof", "illness")
    item = homework.items.get()
    attempt = current_item_attempt(ada, item, item.exercises.get())
    grade_submission.apply(args=(submit(attempt, {"choices": ["derivative"]}).pk, 1))
    grades = prof.get(f"{STAFF}/grades/").content.decode()
    assert "ext." in grades
    learner = Client()
    learner.login(username="ada", password=PASSWORD)
    assert (
        "your own dates"
        in learner.get(f"/courses/calc/assessments/{homework.slug}/").content.decode()
    )
    nothing = prof.post(url, {"learner": ada.pk, "extra_attempts": "0", "time_multiplier": "1"})
    assert nothing.status_code == 400
    assert "Set at least one date" in nothing.content.decode()


def test_grades_show_weights_totals_and_export_csv(prof, course, homework):
    ada = learner_in(course)
    homework.weight = 3
    homework.save()
    item = homework.items.get()
    item.points = 4
    item.save()
    attempt = current_item_attempt(ada, item, item.exercises.get())
    grade_submission.apply(args=(submit(attempt, {"choices": ["derivative"]}).pk, 1))
    page = prof.get(f"{STAFF}/grades/").content.decode()
    assert "weight 3" in page and "of 4" in page
    drill = prof.get(f"{STAFF}/assessments/{homework.slug}/grades/").content.decode()
    assert "Match a function to its derivative" in drill and "100%" in drill
    lines = list(csv.reader(io.StringIO(prof.get(f"{STAFF}/grades.csv").content.decode())))
    header, ada_line = lines[0], lines[1]
    column = header.index(f"{homework.title} points of 4 (weight 3)")
    assert ada_line[0] == "ada" and ada_line[column] == "4.00"
    total = float(ada_line[3])
    weights = sum(a.weight for a in course.assessments.all() if a.items.exists())
    assert total == pytest.approx(100 * 3 / weights, abs=0.1)


def test_a_manual_grade_is_in_the_audit_log(prof, course, homework):
    ada = learner_in(course)
    item = homework.items.get()
    attempt = current_item_attempt(ada, item, item.exercises.get())
    submission = submit(attempt, {"choices": ["negated"]})
    grade_submission.apply(args=(submission.pk, 1))
    prof.post(
        f"{STAFF}/submissions/{submission.pk}/grade/",
        {"decision": "override", "score": "50", "reason": "half right"},
    )
    log = prof.get(f"{STAFF}/audit/").content.decode()
    assert "manual grade" in log and "half right" in log
    assert Submission.objects.get(pk=submission.pk).grading.score == 0.5


def test_staff_of_another_course_cannot_see_or_change_its_assessments(course, homework):
    other = make_course("other", "Another offering")
    enrol(make_user("rival"), other, Membership.Role.STAFF)
    rival = Client()
    rival.login(username="rival", password=PASSWORD)
    for url in (
        f"{STAFF}/assessments/",
        f"{STAFF}/assessments/{homework.slug}/",
        f"{STAFF}/assessments/{homework.slug}/exceptions/",
        f"{STAFF}/grades/",
        f"{STAFF}/audit/",
    ):
        assert rival.get(url).status_code == 404
    response = rival.post(
        f"{STAFF}/assessments/{homework.slug}/items/", {"exercise": ["m1-power-sum"]}
    )
    assert response.status_code == 404
    theirs = other.assessments.get(slug=homework.slug).items.get()
    own_course = rival.post(
        f"/courses/other/staff/assessments/{homework.slug}/items/{homework.items.get().pk}/",
        {"points": "9"},
    )
    assert own_course.status_code == 404  # an item of calc's, through their own course
    assert theirs.points == 1 and homework.items.get().points == 1


def test_the_learner_page_shows_assessments_and_exceptions(prof, course, homework):
    ada = learner_in(course)
    AssessmentException.objects.create(
        assessment=homework, learner=ada, due_at=timezone.now() + HOUR, extra_attempts=2
    )
    page = prof.get(f"{STAFF}/learners/{ada.pk}/").content.decode()
    section = page.split("<h2>Assessments</h2>", 1)[1].split("</table>", 1)[0]
    row = next(r for r in section.split("<tr>") if homework.title in r)
    assert "exception" in row and "due " in row
