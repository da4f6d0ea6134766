"""An instructor in Chromium: opens the gradebook, a learner's history and an exercise's analytics."""

import pytest
from playwright.sync_api import expect

from courseware.models import Membership, Quiz, QuizItem
from tests.e2e.conftest import screenshot, sign_in
from tests.support.histories import graded, power_rule, variant
from tests.support.people import enrol, learner_in, make_course, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_instructor_opens_the_gradebook_and_an_exercises_analytics(page, live_site, bank):
    course = make_course()
    enrol(make_user("prof"), course, Membership.Role.STAFF)
    power = power_rule()
    quiz = Quiz.objects.create(
        module=power.module, slug="t-power-quiz", title="Power rule practice"
    )
    QuizItem.objects.create(quiz=quiz, exercise=power, position=1)
    for i, name in enumerate(["ann", "ben", "cat"]):
        attempt = variant(learner_in(course, name), power, {"a": 3, "k": 2}, course)
        graded(
            attempt,
            {"value": ["2x^2", "2*x^2", "x^2+x^2"][i]},
            0.0,
            rule="forgot-exponent",
            minutes=i,
        )
        if name != "cat":
            graded(attempt, {"value": "6x^2"}, 1.0, minutes=10 + i)
    cat_attempt = attempt

    sign_in(page, live_site, "prof")
    page.goto(f"{live_site}/")
    page.get_by_role("link", name="Staff").click()
    expect(page.get_by_role("heading", name="Gradebook")).to_be_visible()
    expect(page.get_by_role("row", name="ann")).to_contain_text("100%")
    screenshot(page, "staff-gradebook")

    page.get_by_role("link", name="Score", exact=True).click()
    expect(page.get_by_role("link", name="Score ▲")).to_be_visible()
    page.get_by_role("link", name="ann").click()
    expect(page.get_by_role("heading", name="ann")).to_be_visible()
    screenshot(page, "staff-learner")

    page.get_by_role("link", name="Exercises").first.click()
    page.get_by_role("link", name="The power rule").click()
    expect(page.get_by_role("heading", name="Most common wrong answers")).to_be_visible()
    groups = page.locator("table.groups tbody tr")
    expect(groups.first).to_contain_text("3")
    expect(groups.first.locator(".katex")).to_be_visible()  # the group's answer is typeset
    expect(page.get_by_text("66.7%")).to_be_visible()  # correct eventually
    screenshot(page, "staff-analytics")

    page.get_by_role("link", name="Variant fairness").click()
    expect(page.get_by_role("heading", name="Variant fairness")).to_be_visible()
    screenshot(page, "staff-fairness")
    page.get_by_role("link", name="Regrade", exact=True).click()
    expect(page.get_by_role("button", name="Regrade 5 submissions")).to_be_visible()
    screenshot(page, "staff-regrade")
    undecided = graded(cat_attempt, {"value": "2*3*x^2"}, 0.0, verdict="needs_review", minutes=20)
    page.get_by_role("link", name="Review queue").click()
    item = page.get_by_role("region", name=f"Submission {undecided.pk}")
    expect(item.locator(".katex").first).to_be_visible()  # the answer as read, typeset
    screenshot(page, "staff-review")
    item.get_by_label("Reason").fill("Same as 6x^2.")
    item.get_by_role("button", name="Accept (100%)").click()
    expect(page.get_by_text("Nothing awaits review.")).to_be_visible()
    page.goto(f"{live_site}/courses/calc/staff/submissions/{undecided.pk}/")
    expect(page.get_by_role("cell", name="prof: Same as 6x^2.")).to_be_visible()
    screenshot(page, "staff-submission")
    assert page.console_errors == []
