"""On a phone: display mathematics scrolls inside the prompt, the on-screen math keyboard leaves
Submit visible, and "Try another variant" stands apart from Submit."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot, sign_in
from tests.support.people import learner_in, make_course

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def phone(new_page):
    return new_page(**PHONE)


def _overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_phone_shows_the_prompt_without_sideways_scrolling(phone, live_site, bank):
    learner = learner_in(make_course())
    sign_in(phone, live_site, learner.username)
    phone.goto(live_site + "/courses/calc/exercises/m2-hessian/")
    expect(phone.locator(".prompt .katex").first).to_be_visible()
    assert _overflow(phone) <= 0
    submit = phone.get_by_role("button", name="Submit").bounding_box()
    another = phone.get_by_role("button", name="Try another variant").bounding_box()
    assert another["y"] - (submit["y"] + submit["height"]) >= 40
    screenshot(phone, "phone-prompt")


def keyboard_top(phone) -> float:
    """The top of the on-screen keyboard as the learner sees it (its backdrop), once it has slid
    in: shown, its slide (a CSS transition) over and its bottom on the screen's. MathLive's own
    `boundingRect` can still hold where the keyboard started from on a busy machine."""
    settled = phone.wait_for_function(
        """() => {
            const keyboard = window.mathVirtualKeyboard;
            const backdrop = document.querySelector(".ML__keyboard.is-visible .MLK__backdrop");
            if (!keyboard || !keyboard.visible || !backdrop || backdrop.getAnimations().length) {
                return 0;
            }
            const box = backdrop.getBoundingClientRect();
            return Math.abs(box.bottom - window.innerHeight) <= 1 && box.top;
        }""",
        polling=50,
        timeout=10_000,
    )
    return settled.json_value()


def submit_bottom(phone) -> float:
    box = phone.get_by_role("button", name="Submit").bounding_box()
    return box["y"] + box["height"]


def test_the_math_keyboard_leaves_submit_in_view(phone, live_site, bank):
    learner = learner_in(make_course())
    sign_in(phone, live_site, learner.username)
    phone.goto(live_site + "/courses/calc/exercises/m1-chain-rule/")
    # The learner has scrolled so that the answer and Submit sit at the bottom of the screen,
    # where the keyboard comes, before opening it (the field takes the focus: the keyboard opens).
    phone.evaluate("() => document.querySelector('form .actions').scrollIntoView({block: 'end'})")
    bottom = PHONE["viewport"]["height"] - 100
    assert submit_bottom(phone) > bottom
    phone.get_by_role("button", name="Math keyboard").click()
    expect(phone.locator("math-field")).to_be_focused()
    top = keyboard_top(phone)
    assert 0 < top < bottom, "the on-screen keyboard did not open"
    assert submit_bottom(phone) <= top
    screenshot(phone, "phone-math-keyboard")
