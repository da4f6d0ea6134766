"""Outside identities cannot be pre-claimed, and only a course's own staff roles make its staff.

The attacks of the security audit, replayed over HTTP with launches signed by the test platform:
an account registered ahead of time under the username an LTI user or API learner would have
got; institution, system and Mentor roles beside a course's Learner role; open sign-up closed.
"""

from __future__ import annotations

import hashlib
import json
import re

import pytest
import requests
from django.contrib.auth import get_user_model
from django.test import Client
from lti_tool.models import LtiUser

from courseware.accounts import service_user
from courseware.models import Course, Exercise, Membership, Submission
from courseware.variants import current_attempt
from tests.support.lti import launch
from tests.support.lti_platform import INSTRUCTOR, LEARNER, LTI
from tests.support.people import PASSWORD, api_key_for, make_user

pytestmark = pytest.mark.django_db(transaction=True)

ROLES = "http://purl.imsglobal.org/vocab/lis/v2/"


def old_style_username(kind: str, issuer: str, client_id: str, ref: str) -> str:
    """The username earlier releases derived from an outside identity (anyone could compute it)."""
    digest = hashlib.sha256(f"{issuer}\x00{client_id}\x00{ref}".encode()).hexdigest()
    return f"{kind}-{digest[:24]}"


def sign_up(client: Client, username: str):
    return client.post(
        "/accounts/signup/",
        {"username": username, "email": "x@example.com", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip


def launch_as(platform, registration, roles: list, sub: str = "person-1") -> requests.Session:
    """A browser session after a launch with these roles, landed on its item."""
    session = requests.Session()

    def claims(nonce):
        body = platform.claims(nonce, sub=sub)
        body[LTI + "roles"] = roles
        return body

    response = launch(platform, registration, session, claims)
    assert response.status_code == 302, response.text
    session.get(platform.tool + response.headers["Location"])
    return session


def lti_course() -> Course:
    return Course.objects.get(slug__startswith="lti-")


# --- 1. no account can be pre-claimed --------------------------------------------------------------


@pytest.mark.parametrize("username", ["lti-1ea826182da0020ba85b5329", "API-abc", "xqueue-calc"])
def test_sign_up_refuses_the_usernames_integrations_use(username):
    response = sign_up(Client(), username)
    assert response.status_code == 400
    assert "are reserved; choose another" in response.content.decode()
    assert not get_user_model().objects.filter(username__iexact=username).exists()


def test_an_account_made_ahead_under_an_lti_users_name_never_becomes_theirs(
    bank, platform, registration
):
    squatter = make_user(
        old_style_username("lti", platform.issuer, platform.client_id, "victim-instructor-42")
    )
    victim = launch_as(platform, registration, [INSTRUCTOR], sub="victim-instructor-42")
    course = lti_course()
    assert victim.get(f"{platform.tool}/courses/{course.slug}/staff/").status_code == 200

    linked = LtiUser.objects.get(sub="victim-instructor-42").auth_user
    assert linked != squatter and not linked.has_usable_password()
    assert linked.username.startswith("lti-") and linked.username != squatter.username
    attacker = Client()
    assert attacker.login(username=squatter.username, password=PASSWORD)
    assert attacker.get(f"/courses/{course.slug}/staff/").status_code == 404
    assert attacker.get(f"/lti/courses/{course.slug}/").status_code == 404
    assert not Membership.objects.filter(user=squatter).exists()


def test_an_account_made_ahead_under_an_api_learners_name_sees_none_of_their_work(bank):
    client_user = make_user("integration")
    squatter = make_user(old_style_username("api", str(client_user.pk), "", "stud-2"))
    api = Client(headers={"authorization": f"Bearer {api_key_for(client_user)}"})
    created = api.post(
        "/api/v1/submissions",
        json.dumps({"exercise": "m1-chain-rule", "answer": {"value": "x"}, "learner": "stud-2"}),
        content_type="application/json",
    )
    assert created.status_code == 202
    submission = Submission.objects.get(pk=created.json()["id"])
    assert submission.attempt.learner != squatter

    attacker = Client()
    assert attacker.login(username=squatter.username, password=PASSWORD)
    assert attacker.get(f"/submissions/{submission.pk}/").status_code == 404


def test_a_service_account_is_never_one_someone_can_log_in_to():
    make_user("xqueue-calc")  # made before the prefix was reserved
    with pytest.raises(PermissionError):
        service_user("xqueue-calc")
    assert not service_user("xqueue-other").has_usable_password()


def test_with_open_sign_up_off_no_account_can_be_made(settings):
    settings.OPEN_SIGNUP = False
    client = Client()
    page = client.get("/accounts/signup/")
    assert page.status_code == 403
    assert "Sign-up is closed" in page.content.decode()
    assert sign_up(client, "newcomer").status_code == 403
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert 'href="/accounts/signup/"' not in client.get("/accounts/login/").content.decode()


# --- 2. only a course's own staff roles make its staff ---------------------------------------------


@pytest.mark.parametrize(
    "roles",
    [
        [f"{ROLES}institution/person#Instructor", LEARNER],
        [f"{ROLES}system/person#Administrator", LEARNER],
        [f"{ROLES}membership#Mentor"],
        [f"{ROLES}membership/Learner#Instructor", LEARNER],
        ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
        [f"{ROLES}membership#Instructorish"],
    ],
    ids=["institution-instructor", "system-admin", "mentor", "learner-subrole", "only-institution",
         "lookalike"],
)  # fmt: skip
def test_roles_from_outside_the_course_leave_a_learner_a_learner(
    bank, platform, registration, roles
):
    launch_as(platform, registration, [LEARNER], sub="classmate")
    classmate = LtiUser.objects.get(sub="classmate").auth_user
    course = lti_course()
    attempt = current_attempt(classmate, Exercise.objects.get(slug="m1-chain-rule"), course)
    submission = Submission.objects.create(attempt=attempt, answer={"value": "x"})

    session = launch_as(platform, registration, roles)
    person = LtiUser.objects.get(sub="person-1").auth_user
    assert Membership.objects.get(user=person, course=course).role == "learner"
    staff = f"{platform.tool}/courses/{course.slug}/staff"
    assert session.get(f"{staff}/").status_code == 404
    assert session.get(f"{staff}/submissions/{submission.pk}/").status_code == 404
    page = session.get(f"{platform.tool}/courses/{course.slug}/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    override = session.post(
        f"{staff}/submissions/{submission.pk}/grade/",
        data={"csrfmiddlewaretoken": csrf, "decision": "override", "score": "100",
              "reason": "escalated"},
        headers={"Referer": f"{staff}/"},
        allow_redirects=False,
    )  # fmt: skip
    assert override.status_code == 404
    assert not submission.gradings.exists()


@pytest.mark.parametrize(
    "role",
    [
        INSTRUCTOR,
        f"{ROLES}membership#Administrator",
        f"{ROLES}membership#ContentDeveloper",
        f"{ROLES}membership/Instructor#TeachingAssistant",
        "Instructor",  # the deprecated simple name of the context role
    ],
)
def test_context_staff_roles_make_staff(bank, platform, registration, role):
    session = launch_as(platform, registration, [role])
    course = lti_course()
    assert session.get(f"{platform.tool}/courses/{course.slug}/staff/").status_code == 200


def test_a_launch_whose_roles_are_not_strings_is_refused(bank, platform, registration):
    def claims(nonce):
        body = platform.claims(nonce)
        body[LTI + "roles"] = [1, None, {"a": 1}]
        return body

    response = launch(platform, registration, claims=claims)
    assert response.status_code == 400
    assert "roles claim must be a list of role URIs" in response.text
    assert not Membership.objects.exists()


def test_the_roster_gives_staff_only_to_context_staff_roles(bank, platform, registration):
    platform.members = [
        {"user_id": "s-1", "roles": [f"{ROLES}institution/person#Instructor", LEARNER],
         "status": "Active"},
        {"user_id": "m-1", "roles": [f"{ROLES}membership#Mentor"], "status": "Active"},
        {"user_id": "ta-1", "roles": [f"{ROLES}membership/Instructor#TeachingAssistant"],
         "status": "Active"},
    ]  # fmt: skip
    from lms import roster

    launch_as(platform, registration, [INSTRUCTOR], sub="teacher-1")
    course = lti_course()
    roster.sync(course.lti_contexts.get().context, course)
    roles = {m.user.lti_users.get().sub: m.role for m in Membership.objects.filter(course=course)}
    assert roles == {"teacher-1": "staff", "s-1": "learner", "m-1": "learner", "ta-1": "staff"}
