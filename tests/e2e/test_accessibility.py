"""An automated accessibility audit (axe-core, vendored) of every learner page: no serious or critical issues."""

import pytest

from courseware import exams
from courseware.assessments import add_item
from courseware.models import Exercise
from tests.e2e.conftest import sign_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
AXE = "vendor/axe-core/axe.min.js"  # under the site's static files
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
def audit_page(new_page):
    return new_page()


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page. The page loads axe from the site's
    static files as it loads its own scripts (under the site's CSP, which allows them), and axe
    collects the violations alone: gathering the passes and incomplete checks, which nobody reads
    here, took about as long as the checks."""
    from django.templatetags.static import static

    page.add_script_tag(url=static(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
    )
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
    sign_in(audit_page, live_site, learner.username)
    for path in [*LEARNER_PAGES, item]:
        audit_page.goto(live_site + path)  # returns at the load event: the page's scripts have run
        found[path] = serious_violations(audit_page)
    exam_pages = ["/courses/calc/assessments/final/"]  # the rules, then the running exam
    exam_pages += [f"/courses/calc/assessments/final/items/{exam_item.pk}/", exam_pages[0]]
    for number, path in enumerate(exam_pages):
        if number == 1:
            exams.start(exam, learner, "owl")
        audit_page.goto(live_site + path)
        found[f"{path} ({number})"] = serious_violations(audit_page)
    assert {path: v for path, v in found.items() if v} == {}
