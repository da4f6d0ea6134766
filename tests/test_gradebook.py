"""The gradebook: learners × quizzes, drill-down, sorting, filtering, CSV, and a learner's history."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courseware.models import Exercise, Grading, Membership, Submission
from courseware.scoring import counted, is_counted
from courseware.staff import gradebook
from courseware.staff.scope import learners_of
from grader.results import Verdict
from tests.support.histories import START, graded, variant
from tests.support.people import PASSWORD, enrol, learner_in, make_course, make_user

pytestmark = pytest.mark.django_db

RISE = {"a": 1, "b": 0, "c": 0, "x0": 1, "d": 1}
CHAIN = {"outer": "u^n", "inner": "a*x^2 + b", "a": 2, "b": 1, "n": 2}


@pytest.fixture
def course(bank):
    course = make_course()
    prof = make_user("prof")
    enrol(prof, course, Membership.Role.STAFF)
    rise = Exercise.objects.get(slug="m1-rise-over-run")
    chain = Exercise.objects.get(slug="m1-chain-rule")
    ada = learner_in(course, "ada")
    graded(variant(ada, rise, RISE, course), {"parts": {}}, 0.0, minutes=1)
    graded(variant(ada, rise, RISE, course), {"parts": {}}, 1.0, minutes=2)
    graded(variant(ada, chain, CHAIN, course), {"value": "8x"}, 0.5, minutes=3)
    bob = learner_in(course, "bob")
    graded(variant(bob, chain, CHAIN, None), {"value": "8x(2x^2+1)"}, 1.0, minutes=4)  # the API's
    other = make_course("other", "Another offering")
    eve = learner_in(other, "eve")
    graded(variant(eve, chain, CHAIN, other), {"value": "1"}, 1.0, minutes=5)
    return course


@pytest.fixture
def staff_client(client, course):
    client.login(username="prof", password=PASSWORD)
    return client


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>")[1:]]


def test_gradebook_lists_the_courses_learners_with_quiz_scores_and_attempts(staff_client):
    page = staff_client.get("/courses/calc/staff/").content.decode()
    rows = rows_of(page)
    assert [("ada" in r, "bob" in r) for r in rows] == [(True, False), (False, True)]
    assert "Rise over run" in page and "Practising the chain rule" in page
    assert "100%" in rows[0] and "2 att." in rows[0]  # the rise-over-run quiz: best of two attempts
    assert "50%" in rows[0]  # the chain-rule quiz
    assert not any("eve" in row for row in rows)  # another course's learner (the page's CSRF
    # token is random text, so the rows are searched, not the page)


def test_a_members_attempts_made_through_the_api_count_and_the_page_says_so(staff_client):
    page = staff_client.get("/courses/calc/staff/").content.decode()
    assert "100%" in rows_of(page)[1]
    assert "through the API" in page


def test_gradebook_sorts_by_score_and_filters_by_name_and_score(staff_client):
    page = staff_client.get("/courses/calc/staff/?sort=score&desc=1").content.decode()
    assert "ada" in rows_of(page)[0]
    page = staff_client.get("/courses/calc/staff/?sort=score").content.decode()
    assert "bob" in rows_of(page)[0]
    page = staff_client.get("/courses/calc/staff/?q=BO").content.decode()
    assert len(rows_of(page)) == 1 and "bob" in rows_of(page)[0]
    page = staff_client.get("/courses/calc/staff/quizzes/m1-chain-rule-quiz/?below=60")
    assert [("ada" in r) for r in rows_of(page.content.decode())] == [True]


def test_sorting_by_a_quiz_column_orders_by_that_quiz(staff_client):
    page = staff_client.get("/courses/calc/staff/?sort=col:m1-chain-rule-quiz&desc=1")
    assert "bob" in rows_of(page.content.decode())[0]


def test_quiz_drill_down_shows_each_exercise(staff_client):
    page = staff_client.get("/courses/calc/staff/quizzes/m1-rise-over-run-quiz/").content.decode()
    assert "Rise over run: gradebook" in page
    assert "/courses/calc/staff/exercises/m1-rise-over-run/" in page
    assert "100%" in rows_of(page)[0]


def test_csv_export_has_a_line_per_learner_with_scores_and_attempts(staff_client):
    response = staff_client.get("/courses/calc/staff/gradebook.csv?sort=learner")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="calc-gradebook.csv"' in response["Content-Disposition"]
    lines = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [line["username"] for line in lines] == ["ada", "bob"]
    ada, bob = lines
    assert ada["Rise over run score %"] == "100.0" and ada["Rise over run attempts"] == "2"
    assert ada["Practising the chain rule score %"] == "50.0"
    assert ada["attempts"] == "3"
    assert bob["Rise over run score %"] == "" and bob["Rise over run attempts"] == "0"
    assert bob["last activity"].endswith("+00:00")


def test_csv_of_a_quiz_drill_down_and_filter(staff_client):
    response = staff_client.get("/courses/calc/staff/gradebook.csv?quiz=m1-chain-rule-quiz&q=bob")
    lines = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [line["username"] for line in lines] == ["bob"]
    assert lines[0]["The chain rule score %"] == "100.0"


def test_csv_cells_cannot_run_as_spreadsheet_formulas(staff_client, course):
    user = learner_in(course, "@mallory")
    user.first_name = "=HYPERLINK(1)"
    user.save()
    text = staff_client.get("/courses/calc/staff/gradebook.csv").getvalue().decode()
    line = next(row for row in csv.reader(io.StringIO(text)) if "mallory" in row[0])
    assert line[0] == "'@mallory" and line[1].startswith("'=HYPERLINK")


def test_learner_page_shows_quiz_scores_and_full_history(staff_client, course):
    ada = course.memberships.get(user__username="ada").user
    page = staff_client.get(f"/courses/calc/staff/learners/{ada.pk}/").content.decode()
    assert "<h1>ada" in page
    assert "Rise over run" in page and "The chain rule" in page
    assert page.count("/courses/calc/staff/submissions/") == 3
    assert "Partly correct" in page and "outer=u^n" in page


def test_a_learner_of_another_course_has_no_page_here(staff_client):
    from django.contrib.auth import get_user_model

    eve = get_user_model().objects.get(username="eve")
    assert staff_client.get(f"/courses/calc/staff/learners/{eve.pk}/").status_code == 404


# --- pages of learners ---------------------------------------------------------------------------


@pytest.fixture
def pages_of_two(monkeypatch, course):
    """Two learners a page; a third learner, cy, with no work yet."""
    monkeypatch.setattr(gradebook, "PAGE_SIZE", 2)
    learner_in(course, "cy")


def test_the_gradebook_pages_through_learners_and_says_which_it_shows(staff_client, pages_of_two):
    first = staff_client.get("/courses/calc/staff/").content.decode()
    assert "Learners 1–2 of 3" in first and "Page 1 of 2" in first
    assert [("ada" in r, "bob" in r) for r in rows_of(first)] == [(True, False), (False, True)]
    assert 'href="?page=2" rel="next"' in first and 'rel="prev"' not in first
    second = staff_client.get("/courses/calc/staff/?page=2")
    assert second.status_code == 200
    text = second.content.decode()
    assert "Learners 3–3 of 3" in text and "Page 2 of 2" in text
    assert len(rows_of(text)) == 1 and "cy" in rows_of(text)[0] and "ada" not in rows_of(text)[0]
    assert 'href="?page=1" rel="prev"' in text and 'rel="next"' not in text


def test_the_next_page_keeps_the_sort_and_filter(staff_client, pages_of_two):
    page = staff_client.get("/courses/calc/staff/?sort=score&desc=1").content.decode()
    assert ["ada" in r for r in rows_of(page)] == [True, False]
    assert 'href="?sort=score&amp;desc=1&amp;page=2" rel="next"' in page
    last = staff_client.get("/courses/calc/staff/?sort=score&desc=1&page=2").content.decode()
    assert "cy" in rows_of(last)[0]  # no work: the lowest score
    matching = staff_client.get("/courses/calc/staff/?q=ad").content.decode()
    assert "Learners 1–1 of 1 matching" in matching and 'rel="next"' not in matching


@pytest.mark.parametrize("number", ["3", "0", "-1", "two"])
def test_a_page_that_does_not_exist_is_not_found(staff_client, pages_of_two, number):
    assert staff_client.get(f"/courses/calc/staff/?page={number}").status_code == 404


def test_a_course_without_learners_shows_an_empty_first_page(staff_client):
    Membership.objects.filter(role=Membership.Role.LEARNER).delete()
    response = staff_client.get("/courses/calc/staff/")
    assert response.status_code == 200
    assert "Learners 0 of 0" not in response.content.decode()
    assert "No learners match." in response.content.decode()


def test_the_course_score_chart_counts_every_learner(staff_client, pages_of_two):
    page = staff_client.get("/courses/calc/staff/").content.decode()
    assert (
        'hx-get="/courses/calc/staff/gradebook-chart/"' in page and "Show the course scores" in page
    )
    chart = staff_client.get("/courses/calc/staff/gradebook-chart/").content.decode()
    assert "Course scores" in chart and "<svg" in chart


def test_the_csv_streams_every_learner_in_chunks(staff_client, monkeypatch, pages_of_two):
    monkeypatch.setattr(gradebook, "CSV_CHUNK", 2)
    response = staff_client.get("/courses/calc/staff/gradebook.csv")
    assert response.streaming
    lines = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert [line["username"] for line in lines] == ["ada", "bob", "cy"]
    assert lines[2]["attempts"] == "0" and lines[2]["score %"] == "0.0"


def more_learners(course, names: str, count: int) -> None:
    chain = Exercise.objects.get(slug="m1-chain-rule")
    for i in range(count):
        person = learner_in(course, f"{names}{i:02}")
        graded(variant(person, chain, CHAIN, course), {"value": "8x"}, 0.5, minutes=10 + i)


@pytest.mark.parametrize(
    "url",
    [
        "/courses/calc/staff/",
        "/courses/calc/staff/?sort=score&desc=1&below=90",
        "/courses/calc/staff/?sort=col:m1-chain-rule-quiz&page=2",
        "/courses/calc/staff/quizzes/m1-chain-rule-quiz/?sort=last",
    ],
)
def test_a_page_takes_the_same_number_of_queries_whatever_the_courses_size(
    staff_client, course, monkeypatch, url
):
    monkeypatch.setattr(gradebook, "PAGE_SIZE", 3)
    more_learners(course, "few", 2)
    staff_client.get(url)  # the session and the bank's outline are cached from here on
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(url).status_code == 200
    more_learners(course, "many", 12)
    with CaptureQueriesContext(connection) as large:
        page = staff_client.get(url)
    assert page.status_code == 200 and len(rows_of(page.content.decode())) == 3
    assert len(large) == len(small) <= 12


def test_the_databases_sums_agree_with_the_rows(course):
    learners = list(learners_of(course))
    columns = gradebook.quiz_columns()
    rows = gradebook.build_gradebook(course, learners, columns).rows
    sums = gradebook.learner_summaries(course, columns, columns[0])
    for row in rows:
        summary = sums.get(row.learner.pk, gradebook.Summary())
        assert summary.score == pytest.approx(row.score)
        assert summary.column_score == pytest.approx(row.cells[0].score or 0.0)
        assert (summary.attempts, summary.last) == (row.attempts, row.last)
    assert {r.learner.username for r in rows if r.attempts} == {"ada", "bob"}


def test_what_counts_as_an_attempt_is_the_same_rule_in_sql_and_in_python(course):
    ada = course.memberships.get(user__username="ada").user
    attempt = variant(ada, Exercise.objects.get(slug="m1-chain-rule"), CHAIN, course)
    made = []
    for purpose in Submission.Purpose.values:
        for status in Submission.Status.values:
            for verdict in [None, *(v.value for v in Verdict)]:
                submission = Submission.objects.create(
                    attempt=attempt, answer={}, purpose=purpose, status=status
                )
                if verdict is not None:
                    submission.grading = Grading.objects.create(
                        submission=submission,
                        grading_round=1,
                        exercise_version=attempt.exercise_version,
                        grader_version="test",
                        status="graded",
                        verdict=verdict,
                        score=0.0,
                        started_at=START,
                        finished_at=START,
                    )
                    submission.save()
                made.append((submission.pk, is_counted(purpose, status, verdict)))
    in_sql = set(counted(Submission.objects.filter(attempt=attempt)).values_list("pk", flat=True))
    assert {pk for pk, yes in made if yes} == in_sql
    assert 0 < len(in_sql) < len(made)
    column = gradebook.Column("chain", "The chain rule", [attempt.exercise_version.exercise_id])
    (row,) = gradebook.build_gradebook(course, [ada], [column]).rows
    assert row.cells[0].attempts == 1 + len(in_sql)


def test_the_name_the_database_sorts_by_is_the_name_pages_show(course):
    from django.contrib.auth import get_user_model

    from courseware.accounts import display_name, display_name_expression

    people = get_user_model().objects
    people.create(username="nameless")
    people.create(username="named", first_name="Grace", last_name="Hopper")
    people.create(username="first-only", first_name="Ada")
    people.create(username="lti-0123456789abcdef")
    people.create(username="api-fedcba9876543210", email="kim@example.org")
    people.create(username="xqueue-00aa11bb22cc", last_name="Queue")
    users = people.annotate(shown=display_name_expression())
    assert len(users) > 6
    assert [u.shown for u in users] == [display_name(u) for u in users]
