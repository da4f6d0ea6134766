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


def test_the_math_keyboard_leaves_submit_in_view(phone, live_site, bank):
    learner = learner_in(make_course())
    sign_in(phone, live_site, learner.username)
    phone.goto(live_site + "/courses/calc/exercises/m1-chain-rule/")
    phone.get_by_role("button", name="Math keyboard").click()
    expect(phone.locator("math-field")).to_be_visible()
    # The learner has scrolled so that the answer and Submit sit at the bottom of the screen.
    phone.evaluate("() => document.querySelector('form .actions').scrollIntoView({block: 'end'})")
    phone.evaluate("() => document.querySelector('math-field').focus({preventScroll: true})")
    keyboard_top = 0
    for _ in range(50):  # the keyboard slides in from below the screen
        phone.wait_for_timeout(100)
        keyboard_top = phone.evaluate(
            "() => window.mathVirtualKeyboard && window.mathVirtualKeyboard.visible"
            " ? window.mathVirtualKeyboard.boundingRect.top : 0"
        )
        if 0 < keyboard_top < PHONE["viewport"]["height"] - 100:
            break
    assert 0 < keyboard_top < PHONE["viewport"]["height"] - 100, (
        "the on-screen keyboard did not open"
    )
    phone.wait_for_timeout(300)
    submit = phone.get_by_role("button", name="Submit").bounding_box()
    assert submit["y"] + submit["height"] <= keyboard_top
    screenshot(phone, "phone-math-keyboard")
