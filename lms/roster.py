"""Names and Role Provisioning: a course's roster from the platform, as Tangent memberships."""

from __future__ import annotations

from typing import Any

import requests
from lti_tool.models import LtiContext, LtiUser

from courseware.models import Course
from lms import lti_accounts, outbound
from lms.passback import TokenRefused, access_token
from lms.roles import is_course_staff

MEMBERSHIP_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 50


class RosterUnavailable(Exception):
    """The platform did not hand over the roster; the message says why."""


def fetch_members(context: LtiContext) -> list[dict[str, Any]]:
    """Every member the platform lists for the context, following `Link: rel="next"` pages."""
    if not context.memberships_url:
        raise RosterUnavailable("The platform did not offer a roster service for this course.")
    registration = context.deployment.registration
    url, members = context.memberships_url, []
    try:
        token = access_token(registration, [MEMBERSHIP_SCOPE])
        for _ in range(MAX_PAGES):
            response = outbound.send(
                "GET", url, headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE}
            )
            if response.status_code != 200:
                raise RosterUnavailable(f"The platform answered {response.status_code}.")
            members += [m for m in response.json().get("members", []) if m.get("user_id")]
            url = response.links.get("next", {}).get("url")
            if not url:
                break
    except (TokenRefused, requests.RequestException, ValueError, outbound.UnsafeUrl) as error:
        raise RosterUnavailable(f"The roster could not be fetched: {error}") from error
    return members


def sync(context: LtiContext, course: Course) -> int:
    """Bring the course's memberships in line with the platform's roster, and its members' names
    and e-mails up to date (`lti_accounts.identity`); returns members synced."""
    members = [
        {
            "user_id": member["user_id"],
            "roles": member.get("roles", []),
            "status": member.get("status", "Active"),
            **lti_accounts.identity(member),
        }
        for member in fetch_members(context)
    ]
    context.update_memberships(members)
    registration = context.deployment.registration
    for member in members:
        if member["status"] != "Active":
            continue
        lti_user = LtiUser.objects.get(registration=registration, sub=member["user_id"])
        user = lti_accounts.auth_user_for(lti_user)
        lti_accounts.enrol(user, course, is_course_staff(member["roles"]))
    return len(members)
