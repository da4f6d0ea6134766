"""Tangent learners, courses and memberships for LTI users and contexts."""

from __future__ import annotations

import hashlib

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from lti_tool.models import LtiContext, LtiRegistration, LtiResourceLink, LtiUser

from courseware.models import Course, Membership
from lms.launch import AGS_ENDPOINT, NRPS, Launch
from lms.models import LtiCourse


def external_username(kind: str, issuer: str, client_id: str, ref: str) -> str:
    """A stable username for an outside identity, unique per (issuer or client, ref)."""
    digest = hashlib.sha256(f"{issuer}\x00{client_id}\x00{ref}".encode()).hexdigest()
    return f"{kind}-{digest[:24]}"


def external_user(username: str, **fields):
    """The Django user for an outside identity, created with an unusable password if new."""
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is not None:
        return user
    try:
        with transaction.atomic():
            user = users.create_user(username=username, password=None, **fields)
    except IntegrityError:
        return users.get(username=username)
    return user


def auth_user_for(lti_user: LtiUser):
    """The Django user behind an LTI user, created (unusable password) on first need."""
    if lti_user.auth_user is None:
        registration = lti_user.registration
        lti_user.auth_user = external_user(
            external_username("lti", registration.issuer, registration.client_id, lti_user.sub),
            first_name=(lti_user.given_name or "")[:150],
            last_name=(lti_user.family_name or "")[:150],
        )
        lti_user.save(update_fields=["auth_user"])
    return lti_user.auth_user


def learner_for(registration: LtiRegistration, claims: dict):
    """The Tangent user for the launch's `sub`, with the platform's name and e-mail kept current."""
    names = {
        "given_name": str(claims.get("given_name", ""))[:500],
        "family_name": str(claims.get("family_name", ""))[:500],
        "name": str(claims.get("name", ""))[:500],
        "email": str(claims.get("email", ""))[:254],
    }
    lti_user, _ = LtiUser.objects.update_or_create(
        registration=registration, sub=claims["sub"], defaults=names
    )
    return auth_user_for(lti_user)


def text(value) -> str:
    """A claim value that should be a string; anything else counts as absent."""
    return value if isinstance(value, str) else ""


def course_for(launch: Launch) -> Course:
    """The course for the launch's context (created on its first launch), with service URLs kept."""
    context_claim = launch.claim("context")
    ags = launch.claims.get(AGS_ENDPOINT) or {}
    nrps = launch.claims.get(NRPS) or {}
    scopes = ags.get("scope") if isinstance(ags.get("scope"), list) else []
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


def enrol(user, course: Course, staff: bool) -> Membership:
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
