"""The LMS staff page: score sync state, the roster from the platform, learners' names."""

from __future__ import annotations

import re

import pytest
import requests

from courseware.models import Membership
from lms.tasks import deliver_outbox
from tests.support.lti import launch
from tests.support.lti_flows import learner
from tests.support.lti_platform import INSTRUCTOR, LTI

pytestmark = pytest.mark.django_db(transaction=True)


# --- staff pages: sync state and roster ---------------------------------------------------------------


def instructor_session(platform, registration):
    session = requests.Session()

    def instructor(nonce):
        claims = platform.claims(nonce, role=INSTRUCTOR, sub="teacher-1")
        claims[LTI + "custom"] = {}
        claims["name"] = "Ines Teacher"
        return claims

    landing = launch(platform, registration, session, instructor).headers["Location"]
    staff_url = session.get(platform.tool + landing, allow_redirects=False).headers["Location"]
    return session, platform.tool + staff_url


def test_an_instructor_without_a_linked_item_lands_on_the_lms_staff_page(
    bank, platform, registration
):
    session, staff_url = instructor_session(platform, registration)
    page = session.get(staff_url)
    assert page.status_code == 200
    assert "Sync roster" in page.text and "No grades sent yet." in page.text


def test_staff_see_each_score_sync_and_its_state(graded_learner, platform, registration):
    platform.score_replies = [422]
    deliver_outbox.apply()
    session, staff_url = instructor_session(platform, registration)
    page = session.get(staff_url).text
    assert "Rise over run" in page and "Failed" in page and "platform answered 422" in page
    assert "Ada Lovelace" in page and graded_learner.username not in page


def test_a_learner_cannot_see_the_lms_staff_page(graded_learner, platform, registration):
    session = requests.Session()
    landing = launch(platform, registration, session).headers["Location"]
    session.get(platform.tool + landing)
    course = Membership.objects.get(user=graded_learner).course
    assert session.get(f"{platform.tool}/lti/courses/{course.slug}/").status_code == 404


def sync_roster(session, staff_url) -> str:
    """Press "Sync roster" on the LMS staff page; the page that follows."""
    page = session.get(staff_url)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    synced = session.post(
        staff_url + "roster", data={"csrfmiddlewaretoken": csrf}, headers={"Referer": staff_url}
    )
    return synced.text


def test_staff_sync_the_roster_from_the_platform(bank, platform, registration):
    platform.members = [
        {"user_id": "s-1", "name": "Sam One", "roles": ["Learner"], "status": "Active"},
        {"user_id": "s-2", "name": "Sam Two", "roles": ["Learner"], "status": "Active"},
        {"user_id": "t-2", "name": "Tess", "roles": [INSTRUCTOR], "status": "Active"},
        {"user_id": "s-3", "name": "Gone", "roles": ["Learner"], "status": "Deleted"},
    ]
    session, staff_url = instructor_session(platform, registration)
    assert "Roster synced: 4 members." in sync_roster(session, staff_url)
    roles = {
        m.user.lti_users.get().sub: m.role
        for m in Membership.objects.filter(course__slug__startswith="lti-")
    }
    assert roles == {"teacher-1": "staff", "s-1": "learner", "s-2": "learner", "t-2": "staff"}


# --- names staff can read ----------------------------------------------------------------------------


def staff_page(session, platform, staff_url, path="") -> str:
    """A staff page of the course whose LMS page is `staff_url` (the gradebook by default)."""
    slug = staff_url.rstrip("/").rsplit("/", 1)[-1]
    page = session.get(f"{platform.tool}/courses/{slug}/staff/{path}")
    assert page.status_code == 200
    return page.text


def open_edx_claims(platform, sub="learner-1", **person):
    """A learner launch as Open edX signs it: `name`, `email` and `preferred_username` when PII
    sharing is on, never `given_name` or `family_name`."""

    def claims(nonce):
        body = platform.claims(nonce, sub=sub)
        del body["name"], body["email"]
        return {**body, **person}

    return claims


def test_staff_read_the_name_open_edx_sends_and_it_follows_each_launch(
    bank, platform, registration
):
    person = {"name": "Ada Learner", "email": "ada@example.org", "preferred_username": "ada"}
    launch(platform, registration, claims=open_edx_claims(platform, **person))
    session, staff_url = instructor_session(platform, registration)
    page = staff_page(session, platform, staff_url)
    assert "Ada Learner" in page and learner().username not in page

    person["name"] = "Ada King"
    launch(platform, registration, claims=open_edx_claims(platform, **person))
    page = staff_page(session, platform, staff_url)
    assert "Ada King" in page and "Ada Learner" not in page
    page = staff_page(session, platform, staff_url, f"learners/{learner().pk}/")
    assert "<h1>Ada King</h1>" in page


def test_a_learner_whose_platform_shares_no_name_is_shown_readably(bank, platform, registration):
    by_email = open_edx_claims(platform, sub="s-email", email="bo@example.org")
    launch(platform, registration, claims=by_email)
    launch(platform, registration, claims=open_edx_claims(platform, sub="s-none", name=["x"]))
    session, staff_url = instructor_session(platform, registration)
    page = staff_page(session, platform, staff_url)
    assert "bo@example.org" in page
    unnamed = learner("s-none").username
    assert f"LMS learner {unnamed.removeprefix('lti-')[:8]}" in page and unnamed not in page


def test_the_roster_sync_brings_names_up_to_date(bank, platform, registration):
    launch(platform, registration)  # learner-1, "Ada Lovelace"
    platform.members = [
        {"user_id": "learner-1", "given_name": "Ada", "family_name": "King", "name": "Ada King",
         "roles": ["Learner"]},
        {"user_id": "s-1", "name": "Sam One", "email": "sam@example.org", "roles": ["Learner"]},
        {"user_id": "s-2", "name": {"first": "x"}, "email": "not-an-address", "roles": ["Learner"]},
    ]  # fmt: skip
    session, staff_url = instructor_session(platform, registration)
    assert "Roster synced: 3 members." in sync_roster(session, staff_url)
    page = staff_page(session, platform, staff_url)
    assert "Ada King" in page and "Ada Lovelace" not in page
    assert "Sam One" in page
    assert f"LMS learner {learner('s-2').username.removeprefix('lti-')[:8]}" in page
    assert "not-an-address" not in page
