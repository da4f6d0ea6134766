"""Tangent inside Open edX's Learning MFE, in Chromium: the MFE's page (on its own origin) frames
the LMS unit page, which frames the tool, and CSP `frame-ancestors` checks every ancestor.

The LMS is the test platform at 127.0.0.1 on one port, the MFE a second server at 127.0.0.1 on
another port (another origin), and the tool is at localhost.
"""

from html import escape

import pytest
import requests
from playwright.sync_api import expect

from lms.models import FrameAncestors
from tests.support.lti_platform import LTI, LtiPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def posting_page(platform, id_token: str, state: str) -> str:
    """The LMS page in the unit's frame that posts the launch to the tool, as the launch gate does."""
    return (
        f'<!doctype html><form method="post" action="{platform.tool}/lti/launch">'
        f'<input type="hidden" name="id_token" value="{escape(id_token)}">'
        f'<input type="hidden" name="state" value="{escape(state)}"></form>'
        "<script>document.forms[0].submit()</script>"
    )


def frame_page(title: str, *frames: tuple[str, str]) -> str:
    iframes = "".join(
        f'<iframe name="{name}" title="{name}" src="{src}" width="1000" height="500"></iframe>'
        for name, src in frames
    )
    return f'<!doctype html><link rel="icon" href="data:,"><h1>{title}</h1>{iframes}'


@pytest.fixture
def lms_and_mfe(live_server, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True  # the platform's key set is on 127.0.0.1
    settings.DEVELOPMENT = True  # http origins on localhost may be listed
    with LtiPlatform(live_server.url) as lms, LtiPlatform(live_server.url) as mfe:
        mfe.pages["/learning"] = frame_page("Learning MFE", ("unit", f"{lms.url}/unit"))
        yield lms, mfe


def list_origin(registration, origin: str) -> None:
    listed = FrameAncestors(registration=registration, origins=origin)
    listed.full_clean()  # as the admin checks it
    listed.save()


@pytest.mark.parametrize("listed", [True, False], ids=["mfe-listed", "mfe-not-listed"])
def test_the_learner_page_shows_in_the_mfe_only_when_its_origin_is_listed(
    page, bank, lms_and_mfe, listed
):
    lms, mfe = lms_and_mfe
    registration = lms.register()
    if listed:
        list_origin(registration, mfe.url)
    auth = lms.login(requests.Session(), registration)
    lms.pages["/unit"] = frame_page("Unit 1", ("tool", "/launch"))
    lms.pages["/launch"] = posting_page(lms, lms.sign(lms.claims(auth["nonce"])), auth["state"])

    tool = page.frame_locator("iframe[name=unit]").frame_locator("iframe[name=tool]")
    if listed:
        page.goto(f"{mfe.url}/learning")
        expect(tool.get_by_role("heading", name="Rise over run")).to_be_visible()
        assert page.console_errors == []
        return
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
        page.goto(f"{mfe.url}/learning")
    assert f'"frame-ancestors {lms.url}"' in refusal.value.text  # the MFE is not allowed
    expect(tool.get_by_role("heading", name="Rise over run")).to_have_count(0)
    expect(page.frame_locator("iframe[name=unit]").get_by_role("heading")).to_have_text("Unit 1")


def test_a_refused_launch_shows_its_reason_inside_the_frame(page, lms_and_mfe):
    lms, mfe = lms_and_mfe
    registration = lms.register()
    list_origin(registration, mfe.url)
    auth = lms.login(requests.Session(), registration)
    claims = {**lms.claims(auth["nonce"]), LTI + "deployment_id": "2"}  # not registered
    lms.pages["/unit"] = frame_page("Unit 1", ("tool", "/launch"), ("stale", "/stale"))
    lms.pages["/launch"] = posting_page(lms, lms.sign(claims), auth["state"])
    lms.pages["/stale"] = posting_page(lms, lms.sign(claims), "a-state-nobody-issued")

    page.goto(f"{mfe.url}/learning")
    unit = page.frame_locator("iframe[name=unit]")
    known = unit.frame_locator("iframe[name=tool]")  # the registration is known from the state
    expect(known.get_by_role("alert")).to_have_text(
        "The deployment '2' is not known or not active."
    )
    unknown = unit.frame_locator("iframe[name=stale]")  # no registration: any site may frame it
    expect(unknown.get_by_role("alert")).to_have_text(
        "The launch state is unknown, expired or already used. Start again from the course."
    )
    expect(unknown.get_by_role("heading", name="This launch was refused")).to_be_visible()
