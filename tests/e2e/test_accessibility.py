"""An automated accessibility audit (axe-core, vendored) of every learner page: no serious or critical issues."""

import pytest

from courseware import exams
from courseware.assessments import add_item
from courseware.models import Exercise
from tests.conftest import ROOT
from tests.e2e.test_learner_browser import log_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = ROOT / "static" / "vendor" / "axe-core" / "axe.min.js"
PUBLIC_PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password_reset/"]
LEARNER_PAGES = [
    "/courses/",
    "/courses/calc/",
    "/courses/calc/quizzes/m1-matching-graphs/",
    "/courses/calc/assessments/m1-differentiate-some-functions/",
    "/courses/calc/exercises/m1-rise-over-run/",
    "/courses/calc/exercises/m1-graph-derivative-match/",
    "/courses/calc/exercises/m1-chain-rule/",
    "/courses/calc/exercises/m2-jacobian/",
    "/courses/calc/exercises/m2-contour-gradient/",
    "/courses/calc/exercises/m4-taylor-explorer/",
    "/courses/calc/exercises/m3-d-sigma/",
    "/courses/calc/exercises/m2-sandpit/",
    "/courses/calc/exercises/m6-linfit-by-hand/",
    "/courses/calc/exercises/m6-heights-fit/",
    "/courses/calc/exercises/m3-backprop-assignment/",
    "/profile/",
]


@pytest.fixture
def audit_page(browser):
    # The audit script is injected inline, which the site's CSP forbids; only this context bypasses it.
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_public_and_learner_pages_have_no_serious_accessibility_violations(
    audit_page, live_site, bank
):
    course = make_course()
    learner = learner_in(course)
    homework = course.assessments.get(slug="m1-differentiate-some-functions")
    item = f"/courses/calc/assessments/{homework.slug}/items/{homework.items.first().pk}/"
    exam = course.assessments.create(
        slug="final", title="Final", kind="exam", time_limit_minutes=30, access_code="owl"
    )
    exam_item = add_item(exam, [Exercise.objects.get(slug="m1-rise-over-run")])
    found = {}
    for path in PUBLIC_PAGES:
        audit_page.goto(live_site + path)
        found[path] = serious_violations(audit_page)
    log_in(audit_page, live_site, learner.username)
    for path in [*LEARNER_PAGES, item]:
        audit_page.goto(live_site + path)
        audit_page.wait_for_load_state("networkidle")
        found[path] = serious_violations(audit_page)
    exam_pages = ["/courses/calc/assessments/final/"]  # the rules, then the running exam
    exam_pages += [f"/courses/calc/assessments/final/items/{exam_item.pk}/", exam_pages[0]]
    for number, path in enumerate(exam_pages):
        if number == 1:
            exams.start(exam, learner, "owl")
        audit_page.goto(live_site + path)
        audit_page.wait_for_load_state("networkidle")
        found[f"{path} ({number})"] = serious_violations(audit_page)
    assert {path: v for path, v in found.items() if v} == {}
