"""The cookies Tangent sets for LTI inside the platform's frame: partitioned, so a browser that
blocks third-party cookies may still keep them, each in the platform's own partition.

- A state cookie per OIDC login (`tangent-lti-state-…`, 5 minutes, path /lti/) ties the login's
  `state` to the browser that started it.
- The binding cookie (`tangent-launch`) holds a secret of this browser's frame; each launch made
  in the frame stores its digest, and once the cookie has come back with a launch id, that id is
  accepted only together with it.

Both are `SameSite=None; Secure; Partitioned; HttpOnly`. Browsers that keep no cookie in the frame
at all send neither; Tangent then falls back to the state and the launch id alone.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from http.cookies import Morsel

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase

STATE_COOKIE_PREFIX = "tangent-lti-state-"
BINDING_COOKIE = "tangent-launch"
SECRET = re.compile(r"[A-Za-z0-9_-]{43}")  # secrets.token_urlsafe(32)


class PartitionedMorsel(Morsel[str]):
    """A cookie with the `Partitioned` attribute (CHIPS), which Django 5.2's set_cookie lacks."""

    # Morsel's private tables of attributes, which typeshed does not declare.
    _reserved = {**Morsel._reserved, "partitioned": "Partitioned"}  # type: ignore[attr-defined]
    _flags = Morsel._flags | {"partitioned"}  # type: ignore[attr-defined]


def set_partitioned(
    response: HttpResponseBase, name: str, value: str, max_age: int, path: str = "/"
) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path=path, secure=True, httponly=True, samesite="None"
    )
    plain = response.cookies[name]
    cookie = PartitionedMorsel()
    cookie.set(plain.key, plain.value, plain.coded_value)
    cookie.update(plain)
    cookie["partitioned"] = True
    response.cookies[name] = cookie


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def keeps_frame_cookies(request: HttpRequest) -> bool:
    """True if the browser sent any of these cookies: it keeps them in this frame."""
    return any(
        name == BINDING_COOKIE or name.startswith(STATE_COOKIE_PREFIX) for name in request.COOKIES
    )


# --- the OIDC state ------------------------------------------------------------------------------


def state_cookie_name(state: str) -> str:
    return STATE_COOKIE_PREFIX + hashlib.sha256(state.encode()).hexdigest()[:16]


def set_state(response: HttpResponseBase, state: str, secret: str, max_age: int) -> None:
    set_partitioned(response, state_cookie_name(state), secret, max_age, path="/lti/")


def state_secret(request: HttpRequest, state: str) -> str | None:
    secret: str | None = request.COOKIES.get(state_cookie_name(state))
    return secret


def drop_state(request: HttpRequest, response: HttpResponseBase, state: str) -> None:
    """Remove a login's state cookie once its launch has been answered."""
    name = state_cookie_name(state)
    if name in request.COOKIES:
        set_partitioned(response, name, "", 0, path="/lti/")


# --- the launch binding -----------------------------------------------------------------------------


def binding_secret(request: HttpRequest) -> str:
    """This browser's binding secret: the one its cookie holds, or a new one."""
    sent = request.COOKIES.get(BINDING_COOKIE, "")
    return sent if SECRET.fullmatch(sent) else new_secret()


def set_binding(response: HttpResponseBase, secret: str) -> None:
    set_partitioned(response, BINDING_COOKIE, secret, settings.LTI_LAUNCH_TTL_SECONDS)


def sent_binding(request: HttpRequest) -> str | None:
    secret: str | None = request.COOKIES.get(BINDING_COOKIE)
    return secret
