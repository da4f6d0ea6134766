"""The strict LTI 1.3 checks of a login request and its launch: every check the specification
asks for, and a few more.

The stock libraries accept launches they must not (a missing `iat`, a second audience without
`azp`, a reused nonce, an `alg` of `none`), so Tangent validates the id_token itself; any failure
raises LaunchRejected with a reason the learner sees on a 400 page.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit
from uuid import UUID

import jwt
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.conf import settings
from django.http import HttpRequest
from lti_tool.models import LtiDeployment, LtiRegistration

from lms import frame_cookies, launch_state, outbound, platform_keys
from lms.roles import is_course_staff

LTI = "https://purl.imsglobal.org/spec/lti/claim/"
DEEP_LINKING = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
AGS_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
RESOURCE_LINK_REQUEST = "LtiResourceLinkRequest"
DEEP_LINKING_REQUEST = "LtiDeepLinkingRequest"
REQUIRED_CLAIMS = ["iss", "aud", "exp", "iat", "sub", "nonce"]


class LaunchRejected(Exception):
    """A launch that fails a check; the message is the reason shown to the user, and
    `registration` the platform it came from once that is known (its pages may frame the reason).
    """

    def __init__(self, reason: str, registration: LtiRegistration | None = None):
        super().__init__(reason)
        self.reason = reason
        self.registration = registration


@dataclass
class Launch:
    """A validated launch: its registration, deployment and claims."""

    registration: LtiRegistration
    deployment: LtiDeployment
    claims: dict[str, Any]

    def claim(self, name: str, default: Any = None) -> Any:
        return self.claims.get(LTI + name, default)

    @property
    def message_type(self) -> str:
        kind: str = self.claim("message_type")  # one this tool handles (_check_message)
        return kind

    @property
    def roles(self) -> list[str]:
        roles: list[str] = self.claim("roles", [])  # role URIs (_check_message)
        return roles

    @property
    def is_staff(self) -> bool:
        """Staff of the launch's course: by a context role only (lms.roles)."""
        return is_course_staff(self.roles)


MAX_PARAM_CHARS = 2048  # login_hint, lti_message_hint, target_link_uri: platforms send far less


def login_registration(
    registration_uuid: UUID, params: Mapping[str, str], request: HttpRequest
) -> LtiRegistration:
    """The active registration an OIDC third-party login request names, once the request passes
    its checks; LaunchRejected with the reason otherwise."""
    registration = LtiRegistration.objects.active().filter(uuid=registration_uuid).first()
    if registration is None:
        raise LaunchRejected("This platform registration is not known or not active.")
    if params.get("iss") != registration.issuer:
        raise LaunchRejected("The login request's issuer is not this registration's.", registration)
    if params.get("client_id") and params["client_id"] != registration.client_id:
        raise LaunchRejected("The login request's client_id is not this tool's.", registration)
    for name in ("login_hint", "lti_message_hint", "target_link_uri"):
        if len(params.get(name, "")) > MAX_PARAM_CHARS:
            raise LaunchRejected(
                f"The login request's {name} is longer than {MAX_PARAM_CHARS} characters.",
                registration,
            )
    if not on_this_site(params.get("target_link_uri", ""), request):
        raise LaunchRejected(
            "The login request's target_link_uri is not on this site.", registration
        )
    if not params.get("login_hint"):
        raise LaunchRejected("The login request has no login_hint.", registration)
    return registration


def auth_request_url(
    registration: LtiRegistration,
    params: Mapping[str, str],
    state: str,
    nonce: str,
    redirect_uri: str,
) -> str:
    """The platform's authorisation URL for a checked login request, carrying state and nonce."""
    query = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": registration.client_id,
        "redirect_uri": redirect_uri,
        "login_hint": params["login_hint"],
        "state": state,
        "nonce": nonce,
    }
    if params.get("lti_message_hint"):
        query["lti_message_hint"] = params["lti_message_hint"]
    auth_url: str = registration.auth_url
    separator = "&" if "?" in auth_url else "?"
    return auth_url + separator + urlencode(query)


def validate(request: HttpRequest) -> Launch:
    """Check the id_token posted to the launch URL; LaunchRejected with the reason otherwise."""
    id_token, state = request.POST.get("id_token", ""), request.POST.get("state", "")
    if not id_token:
        raise LaunchRejected("The launch has no id_token.")
    record = launch_state.take(state)
    if record is None:
        raise LaunchRejected(
            "The launch state is unknown, expired or already used. Start again from the course."
        )
    registration = LtiRegistration.objects.active().filter(pk=record["registration"]).first()
    if registration is None:
        raise LaunchRejected("The platform registration is not active.")
    try:
        return _check_token(request, state, record, registration, id_token)
    except LaunchRejected as error:
        error.registration = registration
        raise


def _check_token(
    request: HttpRequest,
    state: str,
    record: dict[str, Any],
    registration: LtiRegistration,
    id_token: str,
) -> Launch:
    """The checks made once the login's state has named the registration."""
    _check_browser(request, state, record)
    key = _signing_key(registration, id_token)
    claims = _decode(id_token, key, registration)
    _check_times(claims)
    _check_audience(claims, registration)
    if claims["nonce"] != record["nonce"]:
        raise LaunchRejected("The nonce does not match the one issued at login.")
    if not launch_state.use_nonce(registration.pk, claims["nonce"]):
        raise LaunchRejected("The nonce has been used already: this launch is a replay.")
    deployment = _check_message(claims, registration, request)
    return Launch(registration, deployment, claims)


def on_this_site(url: object, request: HttpRequest) -> bool:
    """`url` is on this site's host, over https (or http where the site itself is served so)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    schemes = ("https",) if request.is_secure() else ("https", "http")
    return parts.scheme in schemes and parts.netloc == request.get_host()


def platform_url(url: object) -> bool:
    """`url` is an absolute URL a platform may use (https; http for test platforms)."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    return parts.scheme in outbound.allowed_schemes() and bool(parts.hostname)


def _check_browser(request: HttpRequest, state: str, record: dict[str, Any]) -> None:
    """The login was started by this browser, where the browser keeps our frame cookies.

    A browser that sends none of them (no cookies in the frame at all) is let through on the
    state alone; one that keeps them must send the state cookie of this login.
    """
    secret = frame_cookies.state_secret(request, state)
    if secret is None and not frame_cookies.keeps_frame_cookies(request):
        return
    expected = record.get("browser") or ""
    if secret is None or not secrets.compare_digest(frame_cookies.digest(secret), expected):
        raise LaunchRejected(
            "This launch's login was started in another browser. Start again from the course."
        )


def _signing_key(registration: LtiRegistration, id_token: str) -> RSAPublicKey:
    try:
        header = jwt.get_unverified_header(id_token)
    except jwt.InvalidTokenError as error:
        raise LaunchRejected("The id_token is not a well-formed JWT.") from error
    if header.get("alg") != "RS256":
        raise LaunchRejected(
            f"The id_token is signed with {header.get('alg')!r}; only RS256 is accepted."
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise LaunchRejected("The id_token header has no key id (kid).")
    try:
        return platform_keys.public_key(registration, kid)
    except platform_keys.KeyUnavailable as error:
        raise LaunchRejected(str(error)) from error


def _decode(id_token: str, key: RSAPublicKey, registration: LtiRegistration) -> dict[str, Any]:
    try:
        return jwt.decode(
            id_token,
            key,
            algorithms=["RS256"],
            audience=registration.client_id,
            issuer=registration.issuer,
            leeway=settings.LTI_CLOCK_LEEWAY_SECONDS,
            options={"require": REQUIRED_CLAIMS, "verify_sub": True},
        )
    except jwt.MissingRequiredClaimError as error:
        raise LaunchRejected(f"The id_token has no {error.claim!r} claim.") from error
    except jwt.ExpiredSignatureError as error:
        raise LaunchRejected("The id_token has expired (exp is in the past).") from error
    except jwt.ImmatureSignatureError as error:
        raise LaunchRejected("The id_token was issued in the future (iat).") from error
    except jwt.InvalidAudienceError as error:
        raise LaunchRejected("The id_token's audience (aud) does not include this tool.") from error
    except jwt.InvalidIssuerError as error:
        raise LaunchRejected(
            "The id_token's issuer (iss) is not the registered platform."
        ) from error
    except jwt.InvalidSignatureError as error:
        raise LaunchRejected("The id_token's signature does not verify.") from error
    except jwt.InvalidTokenError as error:
        raise LaunchRejected(f"The id_token is not valid: {error}.") from error


def _check_times(claims: dict[str, Any]) -> None:
    for name in ("exp", "iat"):
        if not isinstance(claims[name], int | float) or isinstance(claims[name], bool):
            raise LaunchRejected(f"The id_token's {name!r} is not a number.")
    age = time.time() - claims["iat"]
    if age > settings.LTI_MAX_TOKEN_AGE_SECONDS:
        raise LaunchRejected(f"The id_token was issued {int(age)} seconds ago: too long ago.")


def _check_audience(claims: dict[str, Any], registration: LtiRegistration) -> None:
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    azp = claims.get("azp")
    if len(audiences) > 1 and azp is None:
        raise LaunchRejected("The id_token has several audiences but no authorised party (azp).")
    if azp is not None and azp != registration.client_id:
        raise LaunchRejected("The id_token's authorised party (azp) is not this tool.")
    if not isinstance(claims["sub"], str) or not claims["sub"].strip():
        raise LaunchRejected("The id_token has an empty subject (sub).")


def _check_message(
    claims: dict[str, Any], registration: LtiRegistration, request: HttpRequest
) -> LtiDeployment:
    if claims.get(LTI + "version") != "1.3.0":
        raise LaunchRejected("The launch is not LTI version 1.3.0.")
    message_type = claims.get(LTI + "message_type")
    if message_type not in (RESOURCE_LINK_REQUEST, DEEP_LINKING_REQUEST):
        raise LaunchRejected(f"Tangent does not handle {message_type!r} messages.")
    deployment_id = claims.get(LTI + "deployment_id")
    deployment = LtiDeployment.objects.filter(
        registration=registration, deployment_id=deployment_id, is_active=True
    ).first()
    if not isinstance(deployment_id, str) or deployment is None:
        raise LaunchRejected(f"The deployment {deployment_id!r} is not known or not active.")
    target = claims.get(LTI + "target_link_uri")
    if not on_this_site(target, request):
        raise LaunchRejected("The launch's target_link_uri is not on this site.")
    for name in (LTI + "custom", LTI + "launch_presentation", AGS_ENDPOINT, NRPS):
        if name in claims and not isinstance(claims[name], dict):
            raise LaunchRejected(
                f"The launch's {name.rsplit('/', 1)[-1]!r} claim is not an object."
            )
    roles = claims.get(LTI + "roles")
    if not isinstance(roles, list):
        raise LaunchRejected("The launch has no roles claim.")
    if not all(isinstance(role, str) for role in roles):
        raise LaunchRejected("The launch's roles claim must be a list of role URIs (strings).")
    if message_type == RESOURCE_LINK_REQUEST:
        link = claims.get(LTI + "resource_link")
        if not isinstance(link, dict) or not link.get("id"):
            raise LaunchRejected("The launch has no resource link id.")
    else:
        settings_claim = claims.get(DEEP_LINKING)
        if not isinstance(settings_claim, dict) or not settings_claim.get("deep_link_return_url"):
            raise LaunchRejected("The deep linking request has no return URL.")
        if not platform_url(settings_claim["deep_link_return_url"]):
            raise LaunchRejected("The deep linking return URL is not an absolute https URL.")
    if not isinstance(claims.get(LTI + "context"), dict) or not claims[LTI + "context"].get("id"):
        raise LaunchRejected("The launch has no course context.")
    return deployment
