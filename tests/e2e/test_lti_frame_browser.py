"""A learner inside the LMS page, in Chromium: the tool is framed cross-site, so no session cookie.

The platform's course page is served from 127.0.0.1 and frames the tool at localhost (another
site): Chromium neither stores nor sends the tool's SameSite=Lax cookies in that frame, so the
learner works on the launch id, which the frame's partitioned binding cookie ties to this browser.
"""

from html import escape

import pytest
import requests
from playwright.sync_api import expect

from courseware.models import Attempt
from tests.e2e.conftest import screenshot
from tests.support.grading import right_number_answers
from tests.support.lti_platform import LtiPlatform

pytestmark = [pytest.mark.e2e, pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_learner_answers_inside_the_lms_frame_and_sees_the_verdict(
    page, live_server, live_worker, bank, settings
):
    settings.OUTBOUND_ALLOW_PRIVATE = True  # the platform's key set is on 127.0.0.1
    assert "localhost" in live_server.url
    live_worker()
    with LtiPlatform(live_server.url) as platform:
        auth = platform.login(requests.Session(), platform.register())
        id_token = platform.sign(platform.claims(auth["nonce"]))
        # The platform's pages: the course frames a page that posts the launch to the tool.
        platform.pages["/course"] = (
            '<!doctype html><link rel="icon" href="data:,"><h1>Multivariate Calculus</h1>'
            '<iframe name="tool" title="Tangent"'
            ' src="/launch" width="1000" height="800"></iframe>'
        )
        platform.pages["/launch"] = (
            f'<!doctype html><form method="post" action="{platform.tool}/lti/launch">'
            f'<input type="hidden" name="id_token" value="{escape(id_token)}">'
            f'<input type="hidden" name="state" value="{escape(auth["state"])}"></form>'
            "<script>document.forms[0].submit()</script>"
        )
        page.goto(f"{platform.url}/course")
        frame = page.frame_locator("iframe[name=tool]")
        expect(frame.get_by_role("heading", name="Rise over run")).to_be_visible()

        right = right_number_answers(Attempt.objects.get())["parts"]
        frame.get_by_label("Slope of the secant").fill(right["secant"]["value"])
        frame.get_by_label("Gradient of the tangent").fill(right["tangent"]["value"])
        frame.get_by_role("button", name="Submit").click()
        result = frame.get_by_role("status", name="Grading result")
        expect(result).to_contain_text("Correct", timeout=45_000)
        expect(result).to_contain_text("score 100%")
        screenshot(page, "lti-frame-graded")

        assert "launch=" in frame.get_by_role("link", name="Courses").get_attribute("href")
        frame.get_by_role("button", name="Try another variant").click()  # a plain form, too
        expect(frame.get_by_text("Variant 2")).to_be_visible()

        copied = requests.get(page.frame(name="tool").url, timeout=10)  # in another browser
        assert copied.status_code == 403 and "open in another browser" in copied.text

    cookies = {c["name"]: c for c in page.context.cookies()}
    assert "sessionid" not in cookies
    assert cookies["tangent-launch"]["partitionKey"] == "http://127.0.0.1"  # the platform's site
    assert page.console_errors == []
