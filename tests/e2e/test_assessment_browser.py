"""An instructor in Chromium: creates a course, composes a homework from the bank with a pool,
sets its dates and a late penalty, gives one learner an extension, and sees the grades apply it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courseware import assessments
from courseware.grading.intake import submit
from courseware.models import Course, Membership
from courseware.tasks import grade_submission
from courseware.variants import current_item_attempt
from tests.e2e.conftest import screenshot, sign_in
from tests.support.people import enrol, learner_in, make_course, make_user

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LOCAL = "%Y-%m-%dT%H:%M"


def answer_correctly(learner, item):
    """The learner answers the matching item right, now (after the class's due date)."""
    attempt = current_item_attempt(learner, item, assessments.drawn_exercise(item, learner))
    grade_submission.apply(args=(submit(attempt, {"choices": ["derivative"]}).pk, 1))


def test_an_instructor_runs_a_homework_with_a_pool_a_late_penalty_and_an_extension(
    page, live_site, bank
):
    enrol(make_user("prof"), make_course("autumn", "Autumn term"), Membership.Role.STAFF)
    now = timezone.now()
    sign_in(page, live_site, "prof")
    page.goto(f"{live_site}/")

    page.get_by_role("link", name="Create a course").click()
    page.get_by_label("Title").fill("Spring calculus")
    page.get_by_label("Slug").fill("spring")
    page.get_by_role("button", name="Create course").click()
    expect(page.get_by_role("heading", name="Assessments")).to_be_visible()
    expect(page.get_by_role("link", name="Rise over run")).to_be_visible()  # the template

    page.get_by_label("Title").fill("Homework 1")
    page.get_by_label("Slug").fill("hw1")
    page.get_by_role("button", name="Create assessment").click()
    expect(page.get_by_role("heading", name="Homework 1")).to_be_visible()

    bank_search = page.get_by_role("search", name="Search the bank")
    bank_search.get_by_label("Module").select_option(label="Module 1: What is calculus?")
    bank_search.get_by_role("button", name="Search").click()
    page.get_by_label("Add Match a function to its derivative").check()
    page.get_by_role("button", name="Add chosen exercises").click()
    page.get_by_label("Add Differentiating a sum of powers").check()
    page.get_by_label("Add The product rule").check()
    page.get_by_label("Points per item").fill("2")
    page.get_by_label("as one pool").check()
    page.get_by_role("button", name="Add chosen exercises").click()
    items = page.locator("table.items tbody tr")
    expect(items).to_have_count(2)
    expect(items.nth(1)).to_contain_text("pool")
    expect(items.nth(1)).to_contain_text("The product rule")

    page.get_by_label("Due at").fill((now - timezone.timedelta(days=1)).strftime(LOCAL))
    page.get_by_label("Late until").fill((now + timezone.timedelta(days=2)).strftime(LOCAL))
    page.get_by_label("Late credit (%)").fill("50")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Settings saved.")).to_be_visible()
    screenshot(page, "staff-compose-homework")

    spring = Course.objects.get(slug="spring")
    homework = spring.assessments.get(slug="hw1")
    assert homework.late_credit == 0.5
    matching = homework.items.order_by("position").first()
    ann, ben = learner_in(spring, "ann"), learner_in(spring, "ben")
    for learner in (ann, ben):
        answer_correctly(learner, matching)

    tabs = page.get_by_role("navigation", name="Staff pages")
    tabs.get_by_role("link", name="Grades").click()
    expect(page.get_by_role("row", name="ann")).to_contain_text("0.5")  # late: half of 1 point
    tabs.get_by_role("link", name="Assessments").click()
    page.get_by_role("row", name="Homework 1").get_by_role("link", name="exceptions").click()
    page.get_by_label("Learner").select_option(label="ann")
    page.get_by_label("Due at").fill((now + timezone.timedelta(days=3)).strftime(LOCAL))
    page.get_by_label("Reason").fill("Medical certificate")
    page.get_by_role("button", name="Save exception").click()
    expect(page.get_by_role("row", name="ann")).to_contain_text("Medical certificate")

    tabs.get_by_role("link", name="Grades").click()
    page.get_by_role("link", name="Homework 1").click()
    ann_row, ben_row = page.get_by_role("row", name="ann"), page.get_by_role("row", name="ben")
    expect(ann_row).to_contain_text("ext.")
    expect(ann_row.locator("td").nth(1)).to_have_text(re.compile(r"^\s*1 "))  # on time for her
    expect(ann_row.locator("td").nth(0)).to_have_text("33%")  # 1 of 3 points
    expect(ben_row.locator("td").nth(1)).to_contain_text("0.5")
    expect(ben_row).to_contain_text("late")
    screenshot(page, "staff-grades-extension")

    tabs.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("row", name="exception set")).to_contain_text("Medical certificate")
    assert page.console_errors == []
