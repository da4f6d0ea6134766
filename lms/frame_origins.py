"""Which sites may frame Tangent's pages for a platform registration.

A platform frames the tool from more places than its issuer: Open edX's Learning MFE (on its own
host, `apps.<lms>` under Tutor) frames the LMS unit page, which frames the tool, and Studio's unit
preview frames it from the CMS host. CSP `frame-ancestors` checks every ancestor, so each of those
origins must be allowed. A registration allows its issuer's origin, its login (auth) URL's origin
and the origins its administrator lists (`lms.models.FrameAncestors`).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import URLValidator

if TYPE_CHECKING:
    from lti_tool.models import LtiRegistration

ANY_SITE = "*"


def origin(url: object) -> str | None:
    """The origin (scheme://host[:port]) of an absolute URL, or None."""
    if not isinstance(url, str):
        return None
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


def is_loopback(host: str) -> bool:
    """`localhost` (or a name under it), or a loopback address."""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def checked_origin(text: str) -> str:
    """`text` as an origin an administrator may list; ValidationError with the reason otherwise.

    An origin is `scheme://host[:port]` with no path, query or user name: https, or http for a
    loopback host (localhost, 127.0.0.1, ::1) on a development site.
    """
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError as error:
        raise ValidationError(f"“{value}” is not an origin: {error}.") from error
    if not parts.scheme or not parts.hostname:
        raise ValidationError(
            f"“{value}” is not an origin: write scheme://host[:port], e.g. https://apps.lms.example."
        )
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValidationError(
            f"“{value}” is not an origin: give only scheme://host[:port], with no path, "
            "query or user name (and no trailing slash)."
        )
    local_http = parts.scheme == "http" and settings.DEVELOPMENT and is_loopback(parts.hostname)
    if parts.scheme != "https" and not local_http:
        raise ValidationError(
            f"“{value}” must use https (http is accepted only for localhost on a development site)."
        )
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError as error:
        raise ValidationError(f"“{value}” is not an origin: its host is not valid.") from error
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def checked_origins(text: str) -> list[str]:
    """The origins listed in `text`, one per line (blank lines skipped); ValidationError naming
    every line that is not an origin."""
    found, problems = [], []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            found.append(checked_origin(line))
        except ValidationError as error:
            problems += error.messages
    if problems:
        raise ValidationError(problems)
    return found


def listed_origins(registration: LtiRegistration) -> list[str]:
    """The origins an administrator listed for the registration (only those that are origins)."""
    try:
        text = registration.frame_ancestors.origins
    except ObjectDoesNotExist:
        return []
    listed = []
    for line in text.splitlines():
        try:
            listed.append(checked_origin(line))
        except ValidationError:
            continue  # saved around the admin's validation: never put it in a header
    return listed


def platform_origins(registration: LtiRegistration, *urls: str) -> list[str]:
    """Origins that may frame Tangent for this registration: its issuer, its login URL, the
    origins listed for it, and the origins of `urls` (a launch's return URL)."""
    found = {origin(u) for u in (registration.issuer, registration.auth_url, *urls)}
    found.update(listed_origins(registration))
    return sorted(o for o in found if o)


def refusal_origins(registration: LtiRegistration | None) -> list[str]:
    """Who may frame the page of a refused launch, so the learner reads the reason in the LMS.

    When the registration is known (from the login request, or once the launch's state is
    taken), its platform's origins. When it is not (an unknown, expired or replayed state, an
    unknown registration or launch id), any site: the page shows a fixed sentence about the
    request that was refused and nothing else (no account menu, no form, nothing of the user's),
    so a site that frames it can make nobody click anything and learns nothing it did not send.
    Listing every active registration's origins instead would tell anyone who posts a bogus
    launch which platforms use this Tangent.
    """
    return platform_origins(registration) if registration is not None else [ANY_SITE]
