"""A launch id is not a password, and an LTI login belongs to the browser that started it.

The security audit's attacks, performed over HTTP with launches signed by the test platform: a
copied launch URL, a launch id after log-out, an old staff launch, a cross-site post carrying an
id, a login finished in someone else's browser, junk login initiations and junk key ids.
"""

from __future__ import annotations

import json
import re
import time
from html import unescape
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests
from django.core import signing
from lti_tool.models import LtiUser

from courseware.models import Membership, Submission
from lms import launch_state
from tangent import redis_client
from tests.support.lti import launch
from tests.support.lti_flows import (
    cookieless,
    launch_id_of,
    learner,
    open_in_frame,
    right_answer_form,
)
from tests.support.lti_platform import DL_SETTINGS, INSTRUCTOR, LTI, SigningKey

pytestmark = pytest.mark.django_db(transaction=True)


class FramePolicy(DefaultCookiePolicy):
    """Chromium inside the platform's cross-site frame, on the http://localhost test site: it keeps
    the tool's SameSite=None cookies (in the platform's partition) and, localhost being a secure
    context, sends the Secure ones back over http; it keeps no SameSite=Lax cookie (the session)."""

    def set_ok(self, cookie, request):
        same_site = cookie.get_nonstandard_attr("SameSite") or ""
        if same_site.lower() != "none" or not super().set_ok(cookie, request):
            return False
        cookie.secure = False  # requests sends Secure cookies over https only
        return True


def frame() -> requests.Session:
    session = requests.Session()
    session.cookies.set_policy(FramePolicy())
    return session


def teacher(platform, **custom):
    """Claims of an instructor's launch (with no item: the course's LMS staff page)."""

    def claims(nonce):
        body = platform.claims(nonce, role=INSTRUCTOR, sub="teacher-1")
        body[LTI + "custom"] = custom
        return body

    return claims


def land(browser, platform, launched) -> str:
    """Follow a launch to its landing page; the URL the landing sends the browser to."""
    assert launched.status_code == 302, launched.text
    landed = browser.get(platform.tool + launched.headers["Location"], allow_redirects=False)
    assert landed.status_code == 302, landed.text
    return platform.tool + landed.headers["Location"]


def refused_for_login(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.headers["Location"]


# --- bound to the browser ---------------------------------------------------------------------------


def test_a_copied_staff_launch_url_is_refused_in_another_browser(bank, platform, registration):
    browser = frame()
    staff_url = land(browser, platform, launch(platform, registration, browser, teacher(platform)))
    assert "launch=" in staff_url
    assert browser.get(staff_url).status_code == 200  # the binding cookie came back with the id
    course = Membership.objects.get(user__lti_users__sub="teacher-1").course
    gradebook = f"{platform.tool}/courses/{course.slug}/staff/gradebook.csv"
    for url in (staff_url, f"{gradebook}?launch={launch_id_of(staff_url)}"):
        copied = requests.get(url, allow_redirects=False, timeout=10)
        assert copied.status_code == 403, url
        assert "open in another browser" in copied.text
    assert browser.get(gradebook, params={"launch": launch_id_of(staff_url)}).status_code == 200


def test_the_frame_cookies_are_partitioned_and_out_of_reach_of_scripts(platform, registration):
    started = requests.get(
        f"{platform.tool}/lti/login/{registration.uuid}",
        params={"iss": platform.issuer, "login_hint": "h", "target_link_uri": platform.tool + "/"},
        allow_redirects=False,
        timeout=10,
    )
    launched = launch(platform, registration, claims=teacher(platform))
    for response, cookie in ((started, "tangent-lti-state-"), (launched, "tangent-launch=")):
        (header,) = [h for h in response.raw.headers.getlist("Set-Cookie") if h.startswith(cookie)]
        attributes = {a.strip().split("=")[0] for a in header.split(";")[1:]}
        assert {"SameSite", "Secure", "Partitioned", "HttpOnly", "Max-Age"} <= attributes
        assert "SameSite=None" in header


def test_a_login_finished_in_the_browser_that_started_it_launches(bank, platform, registration):
    browser = frame()
    assert launch(platform, registration, browser).status_code == 302
    assert launch(platform, registration, browser).status_code == 302  # it now keeps our cookies


@pytest.mark.parametrize("victim_holds", ["a state cookie of its own", "a binding cookie"])
def test_a_launch_posted_from_a_browser_that_did_not_start_its_login_is_refused(
    bank, platform, registration, victim_holds
):
    attacker = requests.Session()
    auth = platform.login(attacker, registration)
    token = platform.sign(platform.claims(auth["nonce"], sub="attacker"))
    victim = frame()
    if victim_holds == "a binding cookie":
        land(victim, platform, launch(platform, registration, victim))
    else:
        platform.login(victim, registration)
    swapped = victim.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": token, "state": auth["state"]},
        allow_redirects=False,
    )
    assert swapped.status_code == 400
    assert "started in another browser" in unescape(swapped.text)
    assert not LtiUser.objects.filter(sub="attacker").exists()


def test_a_browser_that_keeps_no_cookies_launches_on_the_state_alone(bank, platform, registration):
    auth = platform.login(requests.Session(), registration)
    token = platform.sign(platform.claims(auth["nonce"]))
    posted = cookieless().post(
        f"{platform.tool}/lti/launch",
        data={"id_token": token, "state": auth["state"]},
        allow_redirects=False,
    )
    assert posted.status_code == 302 and "/lti/open/" in posted.headers["Location"]


# --- ended at log-out ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["learner", "instructor"])
def test_logging_out_ends_the_launch_id_the_request_carried(bank, platform, registration, role):
    browser = cookieless()
    claims = {"role": INSTRUCTOR, "sub": "teacher-1"} if role == "instructor" else {}
    page_url = open_in_frame(platform, registration, browser, **claims)
    assert browser.get(page_url).status_code == 200
    out = browser.post(
        f"{platform.tool}/accounts/logout/",
        data={"launch": launch_id_of(page_url)},
        allow_redirects=False,
    )
    assert out.status_code == 302
    assert refused_for_login(browser.get(page_url, allow_redirects=False))


def test_logging_out_in_a_new_tab_ends_the_launch_ids_the_user_holds(bank, platform, registration):
    browser = cookieless()
    page_url = open_in_frame(platform, registration, browser)
    link = unescape(re.search(r'href="([^"]*login=[^"]+)"', browser.get(page_url).text).group(1))
    tab = requests.Session()
    opened = tab.get(platform.tool + link)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', opened.text).group(1)
    out = tab.post(
        f"{platform.tool}/accounts/logout/",
        data={"csrfmiddlewaretoken": csrf},
        allow_redirects=False,
    )
    assert out.status_code == 302
    assert refused_for_login(browser.get(page_url, allow_redirects=False))


# --- short-lived and single-tab for staff ---------------------------------------------------------------


def age(launch_id: str, **seconds: float) -> None:
    """Make a stored launch look older: its start or its last use, by so many seconds."""
    key = redis_client.key(f"lti:launch:{launch_id}")
    record = json.loads(redis_client.client().get(key))
    for field, value in seconds.items():
        record[field] -= value
    redis_client.client().set(key, json.dumps(record), keepttl=True)


def test_a_staff_launch_id_lapses_when_unused_and_after_its_cap(
    bank, platform, registration, settings
):
    idle, cap = settings.LTI_STAFF_LAUNCH_IDLE_SECONDS, settings.LTI_STAFF_LAUNCH_MAX_SECONDS
    browser = cookieless()
    page_url = open_in_frame(platform, registration, browser, role=INSTRUCTOR, sub="teacher-1")
    launch_id = launch_id_of(page_url)
    for _ in range(2):  # each use starts the idle time again
        age(launch_id, used=idle - 60, started=idle - 60)
        assert browser.get(page_url).status_code == 200
    age(launch_id, used=idle + 1)
    assert refused_for_login(browser.get(page_url, allow_redirects=False))

    page_url = open_in_frame(platform, registration, browser, role=INSTRUCTOR, sub="teacher-1")
    age(launch_id_of(page_url), started=cap + 1)
    assert refused_for_login(browser.get(page_url, allow_redirects=False))


def test_a_learner_launch_id_lasts_longer(bank, platform, registration, settings):
    browser = cookieless()
    page_url = open_in_frame(platform, registration, browser)
    longer = settings.LTI_STAFF_LAUNCH_MAX_SECONDS + 1
    age(launch_id_of(page_url), used=longer, started=longer)
    assert browser.get(page_url).status_code == 200
    age(launch_id_of(page_url), started=settings.LTI_LAUNCH_TTL_SECONDS)
    assert refused_for_login(browser.get(page_url, allow_redirects=False))


def test_a_staff_launch_lands_once_and_a_learner_launch_again(bank, platform, registration):
    staff = launch(platform, registration, claims=teacher(platform)).headers["Location"]
    assert cookieless().get(platform.tool + staff, allow_redirects=False).status_code == 302
    again = cookieless().get(platform.tool + staff)
    assert again.status_code == 400 and "opened already" in again.text

    learner_landing = launch(platform, registration).headers["Location"]
    for _ in range(2):
        landed = cookieless().get(platform.tool + learner_landing, allow_redirects=False)
        assert landed.status_code == 302


def test_the_new_tab_sign_in_link_expires_after_a_few_minutes(
    bank, platform, registration, settings
):
    browser = cookieless()
    launch_id = launch_id_of(open_in_frame(platform, registration, browser))
    lifetime = settings.LTI_NEW_TAB_LINK_SECONDS

    class Earlier(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - lifetime - 1)

    old = Earlier(salt=launch_state.NEW_TAB_SALT).sign(launch_id)  # a link copied long ago
    opened = requests.get(
        f"{platform.tool}/lti/open/{launch_id}", params={"login": old}, timeout=10
    )
    assert opened.status_code == 400 and "expired" in opened.text
    assert "sessionid" not in opened.cookies


# --- never from another site ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
)
def test_a_cross_site_post_carrying_a_launch_id_is_refused(bank, platform, registration, headers):
    browser = cookieless()
    page_url = open_in_frame(platform, registration, browser)
    launch_id = launch_id_of(page_url)
    form = {**right_answer_form(learner(), "m1-rise-over-run"), "launch": launch_id}
    submitted = browser.post(page_url.split("?")[0] + "submit/", data=form, headers=headers)
    assert submitted.status_code == 403
    assert "sent from another site" in submitted.text
    preview = browser.post(
        f"{platform.tool}/api/v1/preview",
        json={"exercise": "m1-chain-rule", "value": "1"},
        headers={"X-Tangent-Launch": launch_id, **headers},
    )
    assert preview.status_code == 403 and "another site" in preview.json()["detail"]
    assert not Submission.objects.exists()


def test_a_same_origin_post_carrying_a_launch_id_is_accepted(bank, platform, registration):
    browser = cookieless()
    page_url = open_in_frame(platform, registration, browser)
    form = {**right_answer_form(learner(), "m1-rise-over-run"), "launch": launch_id_of(page_url)}
    submitted = browser.post(
        page_url.split("?")[0] + "submit/",
        data=form,
        headers={"Origin": platform.tool, "Sec-Fetch-Site": "same-origin"},
    )
    assert submitted.status_code == 202
    assert Submission.objects.count() == 1


# --- deep linking ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "return_url",
    [{"x": 1}, "javascript:alert(document.domain)", "/deep-link-return", "ftp://lms.example/x"],
)
def test_a_deep_linking_launch_without_an_absolute_https_return_url_is_refused(
    bank, platform, registration, return_url
):
    def claims(nonce):
        body = platform.deep_linking_claims(nonce)
        body[DL_SETTINGS]["deep_link_return_url"] = return_url
        return body

    response = launch(platform, registration, claims=claims)
    assert response.status_code == 400
    assert "return URL is not an absolute https URL" in unescape(response.text)


# --- login initiation ----------------------------------------------------------------------------------


def state_keys() -> list[bytes]:
    return list(redis_client.client().scan_iter(match=redis_client.key("lti:state:*"), count=1000))


def test_anonymous_login_initiations_are_limited_per_address_and_store_little(
    platform, registration, settings, client
):
    limit, _ = settings.RATE_LIMITS["lti-login"]
    assert limit < 300
    before = set(state_keys())
    params = {
        "iss": platform.issuer,
        "login_hint": "h" * 2000,
        "target_link_uri": "http://testserver/lti/launch",
    }
    url = f"/lti/login/{registration.uuid}"
    statuses = [client.get(url, params).status_code for _ in range(300)]
    accepted = statuses.count(302)
    assert statuses[0] == 302 and set(statuses) == {302, 429}
    assert limit <= accepted <= 2 * limit  # a rate window may end during the run
    stored = set(state_keys()) - before
    assert len(stored) == accepted
    assert max(redis_client.client().strlen(key) for key in stored) < 300


@pytest.mark.parametrize(
    ("name", "value", "reason"),
    [
        ("target_link_uri", "javascript://{host}/%0aalert(1)", "not on this site"),
        ("target_link_uri", "ftp://{host}/lti/launch", "not on this site"),
        ("target_link_uri", "http://{host}/lti/launch" + "x" * 3000, "longer than"),
        ("login_hint", "h" * 3000, "longer than"),
        ("lti_message_hint", "m" * 3000, "longer than"),
    ],
)
def test_a_login_initiation_with_an_odd_parameter_is_refused(
    platform, registration, name, value, reason
):
    host = platform.tool.split("//", 1)[1]
    params = {"iss": platform.issuer, "login_hint": "h", "target_link_uri": platform.tool + "/"}
    params[name] = value.format(host=host)
    response = requests.get(
        f"{platform.tool}/lti/login/{registration.uuid}", params=params, timeout=10
    )
    assert response.status_code == 400 and reason in unescape(response.text)


def test_on_an_https_site_an_http_target_is_refused(platform, registration, client):
    params = {"iss": platform.issuer, "login_hint": "h"}
    url = f"/lti/login/{registration.uuid}"
    http = client.get(url, {**params, "target_link_uri": "http://testserver/"}, secure=True)
    assert http.status_code == 400 and "not on this site" in unescape(http.content.decode())
    https = client.get(url, {**params, "target_link_uri": "https://testserver/"}, secure=True)
    assert https.status_code == 302


def test_a_launch_whose_target_is_not_an_http_url_of_this_site_is_refused(
    bank, platform, registration
):
    host = platform.tool.split("//", 1)[1]

    def claims(nonce):
        body = platform.claims(nonce)
        body[LTI + "target_link_uri"] = f"javascript://{host}/lti/launch"
        return body

    response = launch(platform, registration, claims=claims)
    assert response.status_code == 400 and "target_link_uri" in unescape(response.text)


def test_unknown_key_ids_refetch_the_platforms_key_set_at_most_once_in_a_while(
    platform, registration
):
    launch(platform, registration)  # fetches and caches the key set
    fetches = platform.jwks_fetches
    for _ in range(2):
        response = launch(platform, registration, key=SigningKey())
        assert response.status_code == 400 and "has no key" in unescape(response.text)
    assert platform.jwks_fetches == fetches + 1
