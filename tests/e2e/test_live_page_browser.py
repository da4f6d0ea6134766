"""The learner's loop in real time, in Chromium: the pushed verdict brings the rest of the page with
it (the hint a wrong answer releases, the new row of the attempt history, then the best score,
"solved" and the worked solution), with no reload; the status region announces the verdict. The
history gets each new row at the top of its table, typeset; the rows it had stay as they were."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt, Submission
from courseware.tasks import grade_submission
from tests.e2e.conftest import sign_in
from tests.e2e.test_expression_browser import reference_text
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m1-chain-rule/"


def opened(page, live_site, live_worker):
    """A new learner's exercise page, a worker grading: the attempt, the answer box, Submit and
    the status region."""
    learner = learner_in(make_course())
    live_worker()
    sign_in(page, live_site, learner.username)
    page.goto(live_site + URL)
    page.evaluate("window.loadedOnce = true")  # gone if the page reloads
    return (
        Attempt.objects.get(learner=learner),
        page.get_by_label("Your answer"),
        page.get_by_role("button", name="Submit", exact=True),
        page.get_by_role("status", name="Grading result"),
    )


def test_the_verdict_brings_hints_history_score_and_solution_without_a_reload(
    page, live_site, live_worker, events, bank
):
    attempt, answer, submit, status = opened(page, live_site, live_worker)
    hints = page.locator("#hints")
    history = page.locator("#history tbody tr")
    expect(hints).to_be_hidden()
    expect(page.get_by_text("No attempts yet.")).to_be_visible()
    expect(page.locator("#history table")).to_be_hidden()  # on the page, empty until a verdict

    answer.fill(reference_text(attempt, index=0))
    submit.click()
    expect(status).to_contain_text("Incorrect", timeout=45_000)
    expect(page.get_by_role("heading", name="Hints")).to_be_visible()
    expect(hints.locator("li")).to_have_count(1)
    expect(hints.locator(".katex").first).to_be_visible()  # its math typeset after the swap
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text("Incorrect")
    expect(page.locator("#history table")).to_be_visible()
    expect(page.get_by_text("No attempts yet.")).to_be_hidden()
    expect(page.locator("#exercise-progress")).to_contain_text("Best score 0%")
    expect(status).not_to_contain_text("Hints")  # the status region holds the verdict alone
    expect(page.locator("#solution")).to_be_hidden()

    answer.fill(reference_text(attempt))
    submit.click()
    expect(status).to_contain_text("Correct", timeout=45_000)
    expect(page.locator("#exercise-progress")).to_contain_text("Best score 100% · solved")
    expect(page.get_by_role("heading", name="Worked solution")).to_be_visible()
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Correct")
    assert page.evaluate("window.loadedOnce") is True
    assert page.console_errors == []


def row_ids(attempt: Attempt) -> list[str]:
    """The history's rows for the attempt's submissions, newest first."""
    return [f"attempt-row-{s.pk}" for s in attempt.submissions.order_by("-created_at")]


def test_each_answer_puts_its_row_at_the_top_and_the_earlier_rows_stay(
    page, live_site, live_worker, events, bank
):
    attempt, answer, submit, status = opened(page, live_site, live_worker)
    rows = page.locator("#history-rows > tr")
    progress = page.locator("#exercise-progress")
    answers = [
        (reference_text(attempt, index=0), "Incorrect", 1, "Best score 0%"),
        ("x", "Incorrect", 2, "Best score 0%"),
        (reference_text(attempt), "score 100%", 2, "Best score 100% · solved"),
    ]
    for count, (text, verdict, hints, best) in enumerate(answers, 1):
        rows.evaluate_all("rows => rows.forEach(row => { row.dataset.seen = 'yes' })")
        answer.fill(text)
        submit.click()
        expect(rows).to_have_count(count, timeout=45_000)
        expect(status).to_contain_text(verdict)
        assert rows.evaluate_all("rows => rows.map(row => row.id)") == row_ids(attempt)
        expect(rows.first).to_contain_text(verdict.removeprefix("score "))
        expect(rows.first).not_to_have_attribute("data-seen", "yes")  # the new row
        expect(page.locator("#history-rows > tr[data-seen]")).to_have_count(count - 1)  # kept
        for row in rows.all():  # each answer typeset once, when its row came
            expect(row.locator(".katex")).to_have_count(1)
        expect(page.locator("#hints li")).to_have_count(hints)
        expect(progress).to_contain_text(best)
    expect(page.get_by_role("heading", name="Worked solution")).to_be_visible()
    assert page.evaluate("window.loadedOnce") is True
    assert page.console_errors == []


def test_a_row_listed_as_queued_takes_its_verdict_and_the_table_keeps_its_length(
    page, live_site, live_worker, bank
):
    attempt, answer, submit, status = opened(page, live_site, live_worker)
    for n in range(49):  # earlier answers, the table's limit reached with the next
        Submission.objects.create(
            attempt=attempt, answer={"value": f"{n + 2}x"}, status=Submission.Status.FAILED
        )
    queued = Submission.objects.create(attempt=attempt, answer={"value": reference_text(attempt)})
    page.reload()
    rows = page.locator("#history-rows > tr")
    expect(rows).to_have_count(50)
    expect(rows.first).to_contain_text("queued")
    oldest = row_ids(attempt)[-1]

    # The page follows that answer's grading, as it does for an answer it sent.
    page.evaluate(
        "url => htmx.ajax('GET', url, {target: '#result', swap: 'innerHTML'})",
        f"/submissions/{queued.pk}/",
    )
    expect(status).to_contain_text("Grading…")
    grade_submission.apply(args=(queued.pk, queued.grading_round))
    expect(status).to_contain_text("score 100%", timeout=45_000)
    expect(rows.first).to_contain_text("100%")  # the queued row replaced, not repeated
    expect(page.locator(f"#attempt-row-{queued.pk}")).to_have_count(1)
    expect(rows).to_have_count(50)
    expect(rows.first.locator(".katex")).to_have_count(1)
    expect(page.locator("#exercise-progress")).to_contain_text("Best score 100% · solved")

    answer.fill("x")
    submit.click()
    expect(status).to_contain_text("Incorrect", timeout=45_000)
    expect(rows.first).to_contain_text("Incorrect")
    expect(rows).to_have_count(50)  # the oldest row left
    expect(page.locator(f"#{oldest}")).to_have_count(0)
    assert rows.evaluate_all("rows => rows.map(row => row.id)") == row_ids(attempt)[:50]
    assert page.console_errors == []
