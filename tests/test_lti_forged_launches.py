"""Forged, replayed and odd LTI launches: each refused with its reason, none a server error."""

from __future__ import annotations

import json
import time
from html import unescape

import pytest
import requests

from tests.support.lti import launch
from tests.support.lti_platform import LTI, SigningKey

pytestmark = pytest.mark.django_db(transaction=True)


# --- forged and replayed launches ------------------------------------------------------------------


def forge(**changes):
    """A claims builder that changes (or with None, removes) top-level claims."""

    def build(platform):
        def claims(nonce):
            body = platform.claims(nonce)
            for name, value in changes.items():
                name = name.replace("__", "/").replace("LTI_", LTI)
                if value is None:
                    body.pop(name, None)
                else:
                    body[name] = value(body) if callable(value) else value
            return body

        return claims

    return build


FORGERIES = {
    "no exp": (forge(exp=None), "'exp'"),
    "no iat": (forge(iat=None), "'iat'"),
    "an old iat": (
        forge(iat=lambda b: int(time.time()) - 600, exp=lambda b: int(time.time()) + 300),
        "too long ago",
    ),
    "an iat in the future": (forge(iat=lambda b: int(time.time()) + 600), "future"),
    "an expired token": (forge(exp=lambda b: int(time.time()) - 120), "expired"),
    "another audience": (forge(aud="someone-else"), "audience"),
    "several audiences without azp": (forge(aud=["tangent-client", "other"]), "azp"),
    "an azp that is not us": (forge(aud=["tangent-client", "other"], azp="other"), "azp"),
    "another issuer": (forge(iss="https://evil.example"), "issuer"),
    "no sub": (forge(sub=None), "'sub'"),
    "an empty sub": (forge(sub=" "), "subject"),
    "an unknown deployment": (forge(LTI_deployment_id="deployment-9"), "deployment"),
    "version 1.1": (forge(LTI_version="1.1.0"), "1.3.0"),
    "a target on another host": (
        forge(LTI_target_link_uri="https://evil.example/lti/launch"),
        "target_link_uri",
    ),
    "no nonce": (forge(nonce=None), "'nonce'"),
    "another nonce": (forge(nonce="made-up"), "nonce does not match"),
    "no resource link": (forge(LTI_resource_link=None), "resource link"),
    "no roles": (forge(LTI_roles=None), "roles"),
    "a custom claim that is not an object": (forge(LTI_custom=["exercise"]), "not an object"),
    "an unknown message type": (forge(LTI_message_type="LtiSomethingElse"), "does not handle"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_launch_is_refused_with_its_reason(platform, registration, name):
    build, reason = FORGERIES[name]
    response = launch(platform, registration, claims=build(platform))
    assert response.status_code == 400, name
    assert "This launch was refused" in response.text
    assert reason in unescape(response.text), response.text


def test_a_launch_signed_with_alg_none_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = _unsigned(platform.claims(auth["nonce"]), platform.key.kid)
    response = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert response.status_code == 400 and "only RS256" in unescape(response.text)


def _unsigned(claims, kid):
    import base64
    import json

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'kid': kid})}.{part(claims)}."


def test_a_launch_signed_with_a_shared_secret_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = __import__("jwt").encode(
        platform.claims(auth["nonce"]),
        "a" * 32,
        algorithm="HS256",
        headers={"kid": platform.key.kid},
    )
    response = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert response.status_code == 400 and "only RS256" in unescape(response.text)


def test_a_launch_signed_by_a_key_the_platform_never_published_is_refused(platform, registration):
    intruder = SigningKey()
    intruder.kid = platform.key.kid  # claims to be the platform's key
    response = launch(platform, registration, key=intruder)
    assert response.status_code == 400 and "signature does not verify" in unescape(response.text)


class LeakedKey(SigningKey):
    """A key whose platform publishes its private half in its key set."""

    def public(self) -> dict:
        return {**json.loads(self.jwk.export_private()), "kid": self.kid, "alg": "RS256"}


def test_a_launch_signed_by_a_key_published_with_its_private_half_is_refused(
    platform, registration
):
    platform.keys = platform.published = [LeakedKey()]
    response = launch(platform, registration)
    assert response.status_code == 400 and "is not a public key" in unescape(response.text)


def test_an_unknown_key_id_is_refetched_once_then_refused(platform, registration):
    launch(platform, registration)  # fetches and caches the platform's key set
    fetches = platform.jwks_fetches
    response = launch(platform, registration, key=SigningKey())
    assert response.status_code == 400 and "has no key" in unescape(response.text)
    assert platform.jwks_fetches == fetches + 1


def test_a_replayed_state_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = platform.sign(platform.claims(auth["nonce"]))
    first = session.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": token, "state": auth["state"]},
        allow_redirects=False,
    )
    assert first.status_code in (302, 400)  # no bank loaded: the link's exercise may be unknown
    again = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert again.status_code == 400 and "already used" in unescape(again.text)


def test_a_replayed_id_token_with_a_fresh_state_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = platform.sign(platform.claims(auth["nonce"]))
    session.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": token, "state": auth["state"]},
        allow_redirects=False,
    )
    second = platform.login(session, registration)
    replay = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": second["state"]}
    )
    assert replay.status_code == 400 and "nonce" in unescape(replay.text)


def test_a_launch_for_an_inactive_deployment_is_refused(platform, registration):
    from lti_tool.models import LtiDeployment

    LtiDeployment.objects.filter(registration=registration).update(is_active=False)
    response = launch(platform, registration)
    assert response.status_code == 400 and "not known or not active" in unescape(response.text)


def test_a_launch_without_an_id_token_is_refused(platform, registration):
    response = requests.post(f"{platform.tool}/lti/launch", data={"state": "x"}, timeout=10)
    assert response.status_code == 400 and "no id_token" in unescape(response.text)


def test_a_login_for_a_target_on_another_host_is_refused(platform, registration):
    response = requests.get(
        f"{platform.tool}/lti/login/{registration.uuid}",
        params={
            "iss": platform.issuer,
            "login_hint": "x",
            "target_link_uri": "https://evil.example/",
        },
        timeout=10,
    )
    assert response.status_code == 400 and "target_link_uri" in unescape(response.text)


def test_a_login_for_an_unknown_registration_is_refused(platform):
    response = requests.get(
        f"{platform.tool}/lti/login/00000000-0000-0000-0000-000000000000",
        params={"iss": "x"},
        timeout=10,
    )
    assert response.status_code == 400


# --- no launch, however odd, is a 500 ------------------------------------------------------------------

CLAIM_NAMES = [
    "sub",
    "name",
    "email",
    "aud",
    "azp",
    LTI + "resource_link",
    LTI + "context",
    LTI + "custom",
    LTI + "roles",
    LTI + "launch_presentation",
    LTI + "target_link_uri",
    LTI + "deployment_id",
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
]


def test_launches_with_odd_claims_are_refused_or_accepted_but_never_a_server_error(
    bank, platform, registration
):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["id", "title", "lineitem", "scope", "return_url"]),
                inner,
                max_size=3,
            )
        ),
        max_leaves=6,
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(changes=st.dictionaries(st.sampled_from(CLAIM_NAMES), values, min_size=1, max_size=3))
    def check(changes):
        def claims(nonce):
            return {**platform.claims(nonce), **changes}

        response = launch(platform, registration, claims=claims)
        assert response.status_code in (302, 400), (changes, response.text[:300])

    check()
