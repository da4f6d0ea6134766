"""Who may frame Tangent for a platform: its issuer, its login URL and the origins its
administrator lists (Open edX's Learning MFE and Studio); refused launches are framed so the
learner reads the reason inside the LMS."""

from __future__ import annotations

import uuid
from html import unescape

import pytest
import requests

from lms.models import FrameAncestors
from tests.support.lti import launch
from tests.support.lti_platform import LTI

pytestmark = pytest.mark.django_db(transaction=True)

MFE = "https://apps.lms.example"
STUDIO = "https://studio.lms.example"


def frame_ancestors(response) -> set[str]:
    policy = response.headers["Content-Security-Policy"]
    directive = next(d.strip() for d in policy.split(";") if "frame-ancestors" in d)
    return set(directive.split()[1:])


def add_registration(admin_client, platform, origins: str):
    """Add the platform's registration in the admin, as its administrator would."""
    return admin_client.post(
        "/admin/lti_tool/ltiregistration/add/",
        {
            "name": "Open edX",
            "uuid": str(uuid.uuid4()),
            "issuer": platform.issuer,
            "client_id": platform.client_id,
            "audience": "",
            "auth_url": f"{platform.url}/auth",
            "token_url": f"{platform.url}/token",
            "keyset_url": f"{platform.url}/jwks",
            "is_active": "on",
            "deployments-TOTAL_FORMS": "1",
            "deployments-INITIAL_FORMS": "0",
            "deployments-MIN_NUM_FORMS": "0",
            "deployments-MAX_NUM_FORMS": "1000",
            "deployments-0-deployment_id": platform.deployment_id,
            "deployments-0-is_active": "on",
            "frame_ancestors-TOTAL_FORMS": "1",
            "frame_ancestors-INITIAL_FORMS": "0",
            "frame_ancestors-MIN_NUM_FORMS": "0",
            "frame_ancestors-MAX_NUM_FORMS": "1",
            "frame_ancestors-0-origins": origins,
        },
    )


def test_the_mfe_and_studio_origins_listed_in_the_admin_may_frame_the_learner_page(
    bank, platform, admin_client
):
    from lti_tool.models import LtiRegistration

    added = add_registration(admin_client, platform, f"  HTTPS://Apps.LMS.example \n\n{STUDIO}\n")
    assert added.status_code == 302, added.content.decode()[-2000:]
    registration = LtiRegistration.objects.get(name="Open edX")
    assert registration.frame_ancestors.origins == f"{MFE}\n{STUDIO}"
    page = admin_client.get(f"/admin/lti_tool/ltiregistration/{registration.pk}/change/")
    assert f"{platform.url}, {MFE}, {STUDIO}" in page.content.decode()  # "May frame Tangent"

    session = requests.Session()
    landing = launch(platform, registration, session).headers["Location"]
    exercise = session.get(platform.tool + landing)
    assert exercise.status_code == 200 and "Rise over run" in exercise.text
    assert frame_ancestors(exercise) == {platform.url, MFE, STUDIO}
    assert "X-Frame-Options" not in exercise.headers


@pytest.mark.parametrize(
    ("origins", "message"),
    [
        (f"{MFE}/learning", "no path"),
        (f"{MFE}/", "no trailing slash"),
        ("http://apps.lms.example", "must use https"),
        ("apps.lms.example", "write scheme://host[:port]"),
        ("https://user@apps.lms.example", "user name"),
        ("https://apps lms.example", "host is not valid"),
        ("https://apps.lms.example; script-src *", "is not an origin"),
    ],
)
def test_the_admin_refuses_what_is_not_an_origin_with_the_reason(
    platform, admin_client, origins, message
):
    from lti_tool.models import LtiRegistration

    response = add_registration(admin_client, platform, f"{STUDIO}\n{origins}")
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    assert not LtiRegistration.objects.filter(name="Open edX").exists()


def test_http_origins_are_accepted_only_for_localhost_on_a_development_site(
    platform, admin_client, settings
):
    settings.DEVELOPMENT = False
    refused = add_registration(admin_client, platform, "http://localhost:8000")
    assert refused.status_code == 200 and "must use https" in unescape(refused.content.decode())
    settings.DEVELOPMENT = True
    assert add_registration(admin_client, platform, "http://localhost:8000").status_code == 302
    assert FrameAncestors.objects.get().origins == "http://localhost:8000"


def test_an_origin_saved_around_the_admin_never_reaches_the_header(bank, platform, registration):
    FrameAncestors.objects.create(
        registration=registration, origins=f"{MFE}\nhttps://x.example; script-src *\n{STUDIO}/"
    )
    session = requests.Session()
    landing = launch(platform, registration, session).headers["Location"]
    exercise = session.get(platform.tool + landing)
    assert frame_ancestors(exercise) == {platform.url, MFE}
    assert "script-src *" not in exercise.headers["Content-Security-Policy"]


# --- refused launches, framed so the learner reads why -------------------------------------------


def test_a_refused_launch_from_a_known_platform_may_be_framed_by_its_origins(
    platform, registration
):
    FrameAncestors.objects.create(registration=registration, origins=MFE)

    def unknown_deployment(nonce):
        return {**platform.claims(nonce), LTI + "deployment_id": "2"}

    response = launch(platform, registration, claims=unknown_deployment)
    assert response.status_code == 400
    assert "The deployment '2' is not known or not active." in unescape(response.text)
    assert frame_ancestors(response) == {platform.url, MFE}
    assert "X-Frame-Options" not in response.headers


def test_a_refused_login_for_a_known_registration_may_be_framed_by_its_origins(
    platform, registration
):
    FrameAncestors.objects.create(registration=registration, origins=STUDIO)
    response = requests.get(
        f"{platform.tool}/lti/login/{registration.uuid}",
        params={"iss": "https://someone-else.example", "login_hint": "x"},
        timeout=10,
    )
    assert response.status_code == 400 and "issuer is not this registration" in response.text
    assert frame_ancestors(response) == {platform.url, STUDIO}


def test_a_launch_with_an_unknown_state_is_refused_on_a_page_any_site_may_frame_with_nothing_of_the_user(
    bank, platform, registration
):
    session = requests.Session()
    landing = launch(platform, registration, session).headers["Location"]
    assert "Ada Lovelace" in session.get(platform.tool + landing).text  # signed in here
    response = session.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": platform.sign(platform.claims("n")), "state": "made-up"},
    )
    assert response.status_code == 400
    assert "The launch state is unknown, expired or already used." in unescape(response.text)
    assert frame_ancestors(response) == {"*"}
    assert "Ada Lovelace" not in response.text and "Log out" not in response.text
    assert "<form" not in response.text
