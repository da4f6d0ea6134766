"""The Sandpit in Chromium: a round won with the keyboard alone, and a round lost after 25 probes."""

import pytest
from playwright.sync_api import expect

from courseware.models import Attempt, Exercise
from courseware.sandpit import probe as probe_sandpit
from courseware.variants import attempt_with_seed, current_attempt, definition_of
from grader.answers.interactive import landscape_for
from grader.params import draw_params
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_accessibility import audit_page, serious_violations  # noqa: F401 (a fixture)
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]
URL = "/courses/calc/exercises/m2-sandpit/"


@pytest.fixture
def unlimited(settings):
    settings.SANDPIT_PROBES_PER_SECOND = 1000


def open_sandpit(page, site) -> Attempt:
    learner = learner_in(make_course())
    sign_in(page, site, learner.username)
    page.goto(f"{site}{URL}")
    return Attempt.objects.get(learner=learner)


def bottom(attempt, part: str) -> tuple[float, float]:
    return landscape_for(definition_of(attempt).part(part), attempt.params).minimiser


def round_of(page, part: str):
    return page.locator(f"[data-sandpit][data-part='{part}']")


def test_a_learner_finds_the_bottom_with_the_keyboard_alone(page, live_site, live_worker, bank):
    live_worker()
    attempt = open_sandpit(page, live_site)
    game = round_of(page, "gradient")
    pit = game.get_by_role("application", name="Sandpit, 6 m by 6 m")
    pit.focus()
    pit.press("Enter")  # a first probe at the centre shows a depth and an arrow
    expect(game.locator(".sandpit-count")).to_have_text("1 of 25")
    expect(game.locator(".sandpit-arrow")).to_have_count(1)
    x, y = bottom(attempt, "gradient")
    for key, distance in (("ArrowRight", x - 3), ("ArrowUp", y - 3)):
        presses = round(abs(distance) / 0.1)
        direction = (
            key if distance >= 0 else {"ArrowRight": "ArrowLeft", "ArrowUp": "ArrowDown"}[key]
        )
        for _ in range(presses):
            pit.press(direction)
    expect(game.locator(".sandpit-cursor-text")).to_contain_text(
        f"x {3 + round((x - 3) / 0.1) * 0.1:.2f} m"
    )
    screenshot(page, "sandpit-cursor-on-target")
    pit.press("Enter")
    expect(game.locator(".sandpit-status")).to_contain_text(
        "You found the deepest point in 2 probes"
    )
    expect(game.locator(".sandpit-replay rect")).to_have_count(900)  # the floor is revealed
    expect(game).to_contain_text("This round: score 100%")
    result = page.get_by_role("status", name="Grading result")
    expect(game).to_contain_text("Now play the next round below")
    screenshot(page, "sandpit-found")

    second = round_of(page, "depth_only")  # the rounds are one game, graded when both are over
    probe_sandpit(attempt, *bottom(attempt, "depth_only"), "depth_only")
    page.reload()
    expect(second).to_contain_text("This round: score 100%")
    expect(result).to_contain_text("score 100%", timeout=20_000)
    assert page.console_errors == []


def seed_with_a_dry_hole(exercise: Exercise, part: str) -> int:
    """A variant seed whose sandpit for `part` has a local minimum besides the bottom."""
    definition = definition_of(current_attempt(learner_in(make_course(), "scout"), exercise))
    for seed in range(200):
        params = draw_params(definition.params, seed)
        if landscape_for(definition.part(part), params).traps():
            return seed
    raise AssertionError("no seed with a dry hole")


def test_a_round_with_a_dry_hole_and_25_probes_without_the_bottom_is_lost_and_replayed(
    page, live_site, unlimited, bank
):
    exercise = Exercise.objects.get(slug="m2-sandpit")
    learner = learner_in(make_course())
    attempt = attempt_with_seed(learner, exercise, seed_with_a_dry_hole(exercise, "depth_only"))
    sign_in(page, live_site, learner.username)
    page.goto(f"{live_site}{URL}")
    game = round_of(page, "depth_only")
    pit = game.locator("svg.sandpit-pit")
    pit.scroll_into_view_if_needed()
    unit = pit.bounding_box()["width"] / 640  # the viewBox is 640 units wide, 100 units a metre

    def click(x, y):
        pit.click(position={"x": (30 + 100 * x) * unit, "y": (10 + 100 * (6 - y)) * unit})

    landscape = landscape_for(definition_of(attempt).part("depth_only"), attempt.params)
    click(*landscape.traps()[0])
    expect(game.locator(".sandpit-status")).to_contain_text("A dry hole")
    expect(game.locator(".sandpit-dry-hole-label")).to_have_text("dry hole")
    screenshot(page, "sandpit-dry-hole")
    x, y = landscape.minimiser
    corner_x, corner_y = (0.2 if x > 3 else 5.8), (0.2 if y > 3 else 5.8)
    for k in range(1, 25):
        click(corner_x + (k % 5) * 0.05 * (1 if corner_x < 3 else -1), corner_y)
        expect(game.locator(".sandpit-count")).to_have_text(f"{k + 1} of 25")
        if k == 20:
            expect(game.locator(".sandpit-status")).to_contain_text("Hurry up: only 4 probes left")
            screenshot(page, "sandpit-hurry-up")
    expect(game.locator(".sandpit-status")).to_contain_text("Out of probes")
    expect(game.locator(".sandpit-arrow")).to_have_count(0)  # depth only: no arrows
    expect(game.locator(".sandpit-bottom")).to_have_count(1)
    expect(game).to_contain_text("This round: score 0%")
    expect(game).to_contain_text("You did not find the deepest point in 25 probes.")
    expect(game).to_contain_text("You hit 1 dry hole")
    screenshot(page, "sandpit-failed-replay")
    assert page.console_errors == []


def test_the_sandpit_page_has_no_serious_accessibility_violations_before_and_after_a_round(
    audit_page,  # noqa: F811 (the fixture imported above)
    live_site,
    unlimited,
    bank,
):
    learner = learner_in(make_course())
    sign_in(audit_page, live_site, learner.username)
    audit_page.goto(f"{live_site}{URL}")
    before = serious_violations(audit_page)
    attempt = Attempt.objects.get(learner=learner)
    x, y = bottom(attempt, "gradient")
    probe_sandpit(attempt, 0.2 if x > 3 else 5.8, 0.2 if y > 3 else 5.8, "gradient")
    probe_sandpit(attempt, x, y, "gradient")
    audit_page.goto(f"{live_site}{URL}")  # the finished round is replayed on the page
    expect(audit_page.locator(".sandpit-bottom")).to_have_count(1)
    assert (before, serious_violations(audit_page)) == ([], [])
