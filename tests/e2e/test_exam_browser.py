"""Learners sit a timed exam in Chromium: the rules and the access code, two answers saved as they
type, a reload that loses nothing, the time running out (the drafts submitted and graded), an
answer forged after the end refused, practice closed during the exam, and a learner with a 1.5×
accommodation still answering when the others cannot."""

import re

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from courseware import exams
from courseware.models import AssessmentException, ExamSitting, Submission
from courseware.option_tokens import option_token
from courseware.tasks import grade_submission
from tests.e2e.conftest import screenshot, sign_in
from tests.support.exams import make_exam
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
MINUTE = timezone.timedelta(minutes=1)
EXAM = "/courses/calc/assessments/midterm/"


@pytest.fixture
def exam(bank):
    return make_exam(make_course(), feedback="immediate", access_code="blue-heron")


def start(page, site):
    page.goto(f"{site}{EXAM}")
    expect(page.get_by_role("heading", name="Rules")).to_be_visible()
    page.get_by_label("Access code").fill("blue-heron")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("heading", name=re.compile("Question 1 of 2"))).to_be_visible()


def rise_over_run(params):
    a, b, x0, d = params["a"], params["b"], params["x0"], params["d"]
    secant = (a * (x0 + d) ** 2 + b * (x0 + d) - a * x0**2 - b * x0) / d
    return f"{secant:g}", f"{2 * a * x0 + b:g}"


def test_a_learner_sits_a_timed_exam_that_survives_a_reload_and_ends_on_time(page, live_site, exam):
    ada = learner_in(exam.course, "ada")
    sign_in(page, live_site, "ada")
    page.goto(f"{live_site}{EXAM}")
    page.get_by_label("Access code").fill("red-heron")
    page.get_by_role("button", name="Start the exam").click()
    expect(page.get_by_role("alert")).to_contain_text("access code is not right")
    start(page, live_site)
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: (29|30):\d\d"))
    for helper in ("Try another variant", "Worked solution", "Hints"):
        expect(page.get_by_text(helper)).to_have_count(0)

    first, second = exam.items.order_by("position")
    attempt = ada.attempts.get(assessment_item=first)
    page.locator(f"input[value='{option_token(attempt.pk, 'answer', 'derivative')}']").check()
    expect(page.locator("#draft-status")).to_contain_text("Saved at")
    page.get_by_role("navigation", name="Questions").get_by_role("link", name="2").click()
    expect(page.get_by_role("heading", name=re.compile("Question 2 of 2"))).to_be_visible()
    secant, tangent = rise_over_run(ada.attempts.get(assessment_item=second).params)
    page.locator("input[name='part-secant']").fill(secant)
    page.locator("input[name='part-tangent']").fill(tangent)
    page.locator("input[name='part-tangent']").blur()
    expect(page.locator("#draft-status")).to_contain_text("Saved at")

    page.reload()  # nothing is lost, and the timer still counts from the server's end
    expect(page.locator("input[name='part-secant']")).to_have_value(secant)
    expect(page.locator("input[name='part-tangent']")).to_have_value(tangent)
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: (29|30):\d\d"))
    page.goto(f"{live_site}{EXAM}")
    expect(page.locator(".exam-overview [data-answered=yes]")).to_have_count(2)

    practice = f"{live_site}/courses/calc/exercises/m1-graph-derivative-match/"
    page.goto(practice)
    expect(page.get_by_role("heading", name="Practice closed")).to_be_visible()

    # The time runs out on the page's clock: the learner's page jumps to the end of its 30
    # minutes, counts down to nothing and, after the grace, asks the server again, which by then
    # (its end moved back past the grace) finds the drafts submitted.
    page.clock.install()
    page.goto(f"{live_site}{EXAM}items/{second.pk}/")
    expect(page.get_by_role("timer")).to_contain_text(re.compile(r"Time left: (29|30):\d\d"))
    page.clock.fast_forward("30:00")
    expect(page.get_by_text("Time is up")).to_be_visible()
    expect(page.get_by_role("timer")).to_contain_text("Time left: 0:00")
    ExamSitting.objects.filter(learner=ada).update(
        ends_at=timezone.now() - exams.grace() - timezone.timedelta(seconds=1)
    )
    page.clock.fast_forward(f"00:{exams.grace().seconds + 1:02d}")
    expect(page.get_by_text("Your exam has ended (time ran out)")).to_be_visible()
    submissions = Submission.objects.filter(attempt__learner=ada)
    assert submissions.count() == 2
    for submission in submissions:
        grade_submission.apply(args=(submission.pk, 1))
    page.reload()
    expect(page.get_by_text("Score 2 of 2 points (100%)")).to_be_visible()
    screenshot(page, "exam-ended")

    # A submission forged after the end with a valid session is refused.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    forged = page.request.post(
        f"{live_site}{EXAM}items/{first.pk}/submit/",
        form={
            "attempt": str(attempt.pk),
            "part-answer": option_token(attempt.pk, "answer", "negated"),
        },
        headers={"X-CSRFToken": csrf, "Referer": f"{live_site}{EXAM}"},
    )
    assert forged.status == 409 and "answers are no longer taken" in forged.text()
    assert submissions.count() == 2
    page.goto(practice)
    expect(page.get_by_role("heading", name="Practice closed")).to_have_count(0)


def test_an_accommodated_learner_still_answers_when_the_others_cannot(
    page, new_page, live_site, exam
):
    ann, ben = learner_in(exam.course, "ann"), learner_in(exam.course, "ben")
    AssessmentException.objects.create(assessment=exam, learner=ben, time_multiplier=1.5)
    sign_in(page, live_site, "ann")
    start(page, live_site)
    other = new_page()
    sign_in(other, live_site, "ben")
    other.goto(f"{live_site}{EXAM}")
    expect(other.get_by_text("45 minutes")).to_be_visible()
    start(other, live_site)
    # 35 minutes into the exam: past ann's 30, inside ben's 45.
    ExamSitting.objects.update(
        started_at=F("started_at") - 35 * MINUTE, ends_at=F("ends_at") - 35 * MINUTE
    )
    item = exam.items.order_by("position").first()
    for who, tab in ((ann, page), (ben, other)):
        tab.goto(f"{live_site}{EXAM}items/{item.pk}/")
        if who == ann:
            expect(tab.get_by_text("Your exam has ended (time ran out)")).to_be_visible()
            continue
        expect(tab.get_by_role("timer")).to_contain_text(re.compile(r"Time left: (9|10):\d\d"))
        token = option_token(who.attempts.get(assessment_item=item).pk, "answer", "derivative")
        tab.locator(f"input[value='{token}']").check()
        expect(tab.locator("#draft-status")).to_contain_text("Saved at")
