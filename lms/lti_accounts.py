"""Tangent learners, courses and memberships for LTI users and contexts."""

from __future__ import annotations

import hashlib
import unicodedata
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from lti_tool.models import LtiContext, LtiRegistration, LtiResourceLink, LtiUser

from courseware.accounts import new_integration_user
from courseware.models import Course, Membership
from lms.launch import AGS_ENDPOINT, NRPS, Launch
from lms.models import LtiCourse

NAME_CLAIMS = ("given_name", "family_name", "name")


def text(value: object) -> str:
    """A claim value that should be a string; anything else counts as absent."""
    return value if isinstance(value, str) else ""


def plain(value: object, limit: int) -> str:
    """A claim's text on one line, without control characters, at most `limit` characters."""
    kept = "".join(
        c for c in text(value) if c.isspace() or unicodedata.category(c) not in ("Cc", "Cs")
    )
    return " ".join(kept.split())[:limit]


def identity(data: dict[str, Any]) -> dict[str, str]:
    """The LtiUser fields for the person a launch's claims or an NRPS member describe.

    The name claims travel together: when the platform sends any of `given_name`, `family_name`
    and `name`, all three are set (one it left out becomes blank), so an old name never stays
    beside a new one. An e-mail is kept when it is an address. What the platform does not send
    (or sends as something other than a string) leaves the stored value as it was.
    """
    fields = {}
    names = {claim: plain(data.get(claim), 500) for claim in NAME_CLAIMS}
    if any(names.values()):
        fields.update(names)
    email = plain(data.get("email"), 254)
    try:
        validate_email(email)
    except ValidationError:
        return fields
    return {**fields, "email": email}


def person_fields(lti_user: LtiUser) -> dict[str, str]:
    """The Django user's names and e-mail from what the platform sent: its given and family
    names, or else its `name` whole as the first name (names are not split: not every name is
    "given family")."""
    if lti_user.given_name or lti_user.family_name:
        first, last = lti_user.given_name, lti_user.family_name
    else:
        first, last = lti_user.name, ""
    return {"first_name": first[:150], "last_name": last[:150], "email": lti_user.email}


def auth_user_for(lti_user: LtiUser) -> User:
    """The Django user behind an LTI user, made (random name, no password) on first need, with
    the name and e-mail the platform last sent.

    Found through the LtiUser link only: the row is locked while the user is made, so two
    first launches at once make one account.
    """
    fields = person_fields(lti_user)
    if lti_user.auth_user_id is None:
        with transaction.atomic():
            locked = LtiUser.objects.select_for_update().get(pk=lti_user.pk)
            if locked.auth_user_id is None:
                locked.auth_user = new_integration_user("lti-", **fields)
                locked.save(update_fields=["auth_user"])
        lti_user.auth_user = locked.auth_user
    user: User = lti_user.auth_user
    changed = [name for name, value in fields.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, fields[name])
        user.save(update_fields=changed)
    return user


def learner_for(registration: LtiRegistration, claims: dict[str, Any]) -> User:
    """The Tangent user for the launch's `sub`, with the platform's name and e-mail kept current."""
    lti_user, _ = LtiUser.objects.update_or_create(
        registration=registration, sub=claims["sub"], defaults=identity(claims)
    )
    return auth_user_for(lti_user)


def course_for(launch: Launch) -> Course:
    """The course for the launch's context (created on its first launch), with service URLs kept."""
    context_claim = launch.claim("context")
    ags = launch.claims.get(AGS_ENDPOINT) or {}
    nrps = launch.claims.get(NRPS) or {}
    scope = ags.get("scope")
    scopes = scope if isinstance(scope, list) else []
    context, _ = LtiContext.objects.update_or_create(
        deployment=launch.deployment,
        id_on_platform=str(context_claim["id"])[:255],
        defaults={
            "label": str(context_claim.get("label", ""))[:255],
            "title": str(context_claim.get("title", ""))[:500],
            "lineitems_url": text(ags.get("lineitems"))[:200],
            "memberships_url": text(nrps.get("context_memberships_url"))[:200],
            "can_publish_scores": "https://purl.imsglobal.org/spec/lti-ags/scope/score" in scopes,
        },
    )
    link = LtiCourse.objects.select_related("course").filter(context=context).first()
    if link is not None:
        return link.course
    slug = (
        "lti-"
        + hashlib.sha256(
            f"{launch.registration.pk}:{launch.deployment.pk}:{context.id_on_platform}".encode()
        ).hexdigest()[:16]
    )
    title = context.title or context.label or "Course from the LMS"
    course, _ = Course.objects.get_or_create(slug=slug, defaults={"title": title[:200]})
    LtiCourse.objects.get_or_create(context=context, defaults={"course": course})
    return course


def enrol(user: User, course: Course, staff: bool) -> Membership:
    """Membership with the role the platform gives; a platform's instructor becomes staff."""
    role = Membership.Role.STAFF if staff else Membership.Role.LEARNER
    membership, _ = Membership.objects.update_or_create(
        user=user, course=course, defaults={"role": role}
    )
    return membership


def resource_link_for(launch: Launch) -> LtiResourceLink:
    link = launch.claim("resource_link")
    context = LtiContext.objects.get(
        deployment=launch.deployment, id_on_platform=str(launch.claim("context")["id"])[:255]
    )
    record, _ = LtiResourceLink.objects.update_or_create(
        context=context,
        id_on_platform=str(link["id"])[:255],
        defaults={"title": str(link.get("title", ""))[:500]},
    )
    return record
