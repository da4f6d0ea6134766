"""The learner's exam in the browser's terms (Django's client): the rules page and the start, the
items with drafts saved as the learner types, no verdicts, hints or other variants during the exam,
time enforced by the server on every request, and practice closed while it runs."""

import re

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from courseware.models import (
    AssessmentException,
    ExamDraft,
    ExamSitting,
    Membership,
    Submission,
)
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.support.exams import make_exam
from tests.support.people import PASSWORD, enrol, learner_in, make_user

pytestmark = pytest.mark.django_db
MINUTE = timezone.timedelta(minutes=1)


@pytest.fixture
def client(learner):
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


@pytest.fixture
def exam(course):
    return make_exam(course, feedback="immediate", access_code="blue-heron")


URL = "/courses/calc/assessments/midterm/"


def items(exam):
    return list(exam.items.order_by("position"))


def start(client):
    return client.post(URL + "start/", {"access_code": "blue-heron"})


def chosen(learner, item, option="derivative"):
    """The form's value for an option of the learner's variant of a choice item."""
    attempt = learner.attempts.get(assessment_item=item)
    return option_token(attempt.pk, "answer", option)


def end_sitting(learner, seconds_ago=10):
    ExamSitting.objects.filter(learner=learner).update(
        ends_at=timezone.now() - timezone.timedelta(seconds=seconds_ago)
    )


def test_the_rules_page_states_the_rules_and_the_code_is_checked(client, exam):
    page = client.get(URL).content.decode()
    assert "You have <strong>30 minutes</strong>" in page
    assert "Access code" in page and "Start the exam" in page
    refused = client.post(URL + "start/", {"access_code": "nope"})
    assert refused.status_code == 409
    assert "access code is not right" in refused.content.decode()
    assert not ExamSitting.objects.exists()
    response = start(client)
    assert response.status_code == 302
    assert response["Location"] == f"{URL}items/{items(exam)[0].pk}/"


def test_an_item_shows_the_timer_and_nothing_that_helps(client, exam):
    start(client)
    page = client.get(f"{URL}items/{items(exam)[0].pk}/").content.decode()
    assert "Question 1 of 2" in page and "Time left" in page
    seconds = int(re.search(r'data-seconds-left="(\d+)"', page).group(1))
    assert 29 * 60 < seconds <= 30 * 60
    for helper in ("Try another variant", "Hints", "Worked solution", "Your attempts"):
        assert helper not in page
    refused = client.post(f"{URL}items/{items(exam)[0].pk}/another-variant/")
    assert refused.status_code == 409


def test_drafts_survive_a_reload_and_are_submitted_when_time_runs_out(client, learner, exam):
    start(client)
    first, second = items(exam)
    saved = client.post(f"{URL}items/{first.pk}/draft/", {"part-answer": chosen(learner, first)})
    assert saved.status_code == 200 and saved.json()["answered"] is True
    client.post(f"{URL}items/{second.pk}/draft/", {"part-secant": "3.5", "part-tangent": "2"})
    page = client.get(f"{URL}items/{first.pk}/").content.decode()
    assert f'"part-answer": ["{chosen(learner, first)}"]' in page  # put back on reload
    overview = client.get(URL).content.decode()
    assert overview.count('data-answered="yes"') == 2
    end_sitting(learner)
    ended = client.get(URL).content.decode()  # the next request finalises the sitting
    assert "Your exam has ended (time ran out)" in ended
    submissions = Submission.objects.filter(attempt__learner=learner).order_by("pk")
    assert submissions.first().answer == {"choices": ["derivative"]}
    assert submissions.count() == 2
    for submission in submissions:
        grade_submission.apply(args=(submission.pk, 1))
    graded = client.get(URL).content.decode()
    score = re.search(r"Score ([\d.]+) of 2 points", graded)  # the graph is right; the drafted
    assert score and float(score.group(1)) >= 1  # numbers may be right too, in some variants
    assert graded.count("scored ") == 2  # each question's points, released


def test_answers_forged_after_the_end_are_refused(client, learner, exam):
    start(client)
    first = items(exam)[0]
    end_sitting(learner)
    draft = client.post(f"{URL}items/{first.pk}/draft/", {"part-answer": chosen(learner, first)})
    assert draft.status_code == 409
    assert "the answer was not saved" in draft.json()["detail"]
    attempt = learner.attempts.get(assessment_item=first)
    forged = client.post(
        f"{URL}items/{first.pk}/submit/",
        {"attempt": attempt.pk, "part-answer": chosen(learner, first)},
    )
    assert forged.status_code == 409
    assert "answers are no longer taken" in forged.content.decode()
    assert not Submission.objects.exists() and not ExamDraft.objects.exists()


def test_the_learner_hands_in_early_and_no_verdict_shows_while_policy_withholds(
    client, learner, exam
):
    exam.feedback = "after_due"
    exam.save()
    start(client)
    client.post(
        f"{URL}items/{items(exam)[0].pk}/draft/", {"part-answer": chosen(learner, items(exam)[0])}
    )
    assert client.post(URL + "finish/").status_code == 302
    page = client.get(URL).content.decode()
    assert "Your exam has ended (submitted by the learner)" in page
    assert "released after the due date" in page
    grade_submission.apply(args=(Submission.objects.get().pk, 1))
    page = client.get(URL).content.decode()
    assert "Score" not in page and "Correct" not in page
    course_page = client.get("/courses/calc/").content.decode()
    assert "1 of 2 points" not in course_page


def test_practice_pages_are_closed_during_the_exam_and_open_after(client, learner, exam):
    practice = "/courses/calc/exercises/m1-graph-derivative-match/"
    assert client.get(practice).status_code == 200
    start(client)
    closed = client.get(practice)
    assert closed.status_code == 403
    assert "closed while your exam “Midterm” is in progress" in closed.content.decode()
    assert client.get("/courses/calc/exercises/m1-power-sum/").status_code == 200
    client.post(URL + "finish/")
    assert client.get(practice).status_code == 200


@pytest.fixture
def staff_client(course):
    staff = make_user("prof")
    enrol(staff, course, Membership.Role.STAFF)
    client = Client()
    client.login(username="prof", password=PASSWORD)
    return client


def test_staff_watch_the_exam_live_and_end_or_extend_a_sitting(
    client, staff_client, learner, exam, course
):
    grace = learner_in(course, "grace")
    AssessmentException.objects.create(assessment=exam, learner=grace, time_multiplier=1.5)
    live = f"/courses/calc/staff/assessments/{exam.slug}/live/"
    page = staff_client.get(live).content.decode()
    assert page.count("not started") == 2 and "45 min" in page  # the accommodation shows
    start(client)
    page = staff_client.get(live).content.decode()
    assert "in progress" in page and "1 started, 1 in progress, 0 finished" in page
    sitting = ExamSitting.objects.get(learner=learner)
    before = sitting.ends_at
    staff_client.post(f"{live[:-5]}sittings/{sitting.pk}/extend/", {"minutes": "15"})
    sitting.refresh_from_db()
    assert sitting.ends_at == before + 15 * MINUTE
    refused = staff_client.post(f"{live[:-5]}sittings/{sitting.pk}/extend/", {"minutes": "x"})
    assert refused.status_code == 302
    assert "Give the minutes to add as a whole number." in staff_client.get(live).text
    staff_client.post(f"{live[:-5]}sittings/{sitting.pk}/extend/", {"minutes": "0"})
    assert "Give between 1 and 1440 minutes." in staff_client.get(live).text
    sitting.refresh_from_db()
    assert sitting.ends_at == before + 15 * MINUTE
    client.post(
        f"{URL}items/{items(exam)[0].pk}/draft/", {"part-answer": chosen(learner, items(exam)[0])}
    )
    staff_client.post(f"{live[:-5]}sittings/{sitting.pk}/end/")
    sitting.refresh_from_db()
    assert sitting.finish == "staff" and Submission.objects.count() == 1
    page = staff_client.get(live).content.decode()
    assert "ended by staff" in page
    assert "Your exam has ended (ended by staff)" in client.get(URL).content.decode()
    audit = staff_client.get("/courses/calc/staff/audit/").content.decode()
    assert "exam extended" in audit and "exam ended" in audit
    grades = staff_client.get(f"/courses/calc/staff/assessments/{exam.slug}/grades/")
    assert "Time taken" in grades.content.decode()
    csv = staff_client.get(f"/courses/calc/staff/grades.csv?assessment={exam.slug}").content
    assert b"minutes taken" in csv


def test_a_learner_with_an_accommodation_answers_when_the_others_cannot(
    client, learner, exam, course
):
    grace = learner_in(course, "grace")
    AssessmentException.objects.create(assessment=exam, learner=grace, time_multiplier=1.5)
    theirs = Client()
    theirs.login(username="grace", password=PASSWORD)
    start(client)
    start(theirs)
    # 35 minutes later: past the 30 of the others, inside grace's 45.
    ExamSitting.objects.update(
        started_at=F("started_at") - 35 * MINUTE, ends_at=F("ends_at") - 35 * MINUTE
    )
    item = items(exam)[0]
    mine = client.post(f"{URL}items/{item.pk}/draft/", {"part-answer": chosen(learner, item)})
    hers = theirs.post(f"{URL}items/{item.pk}/draft/", {"part-answer": chosen(grace, item)})
    assert mine.status_code == 409 and hers.status_code == 200


def test_an_exam_without_a_time_limit_or_due_date_is_refused_on_the_settings_page(
    staff_client, exam
):
    settings_page = f"/courses/calc/staff/assessments/{exam.slug}/"
    form = staff_client.get(settings_page).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "kind": "exam",
            "time_limit_minutes": "",
            "due_at": "",
            "opens_at": "",
            "late_credit_percent": "100",
            "penalty_percent": "0",
        }
    )
    refused = staff_client.post(settings_page, data)
    assert refused.status_code == 400
    assert "An exam needs a time limit or a due date" in refused.content.decode()
