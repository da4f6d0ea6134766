"""Single-use OIDC state and nonce, and launch ids, kept atomically in Redis (no cookies needed).

The login step stores the state with the registration and nonce it was issued for; the launch
takes it with GETDEL, so a state works once. A nonce is marked used with SET NX, so an id_token
replayed with a fresh state is refused too. A validated launch is kept under a launch id that the
tool's pages carry in their URLs, so several tabs can hold different launches.
"""

from __future__ import annotations

import json
import secrets

from django.conf import settings

from courseware import broker

STATE_SECONDS = 600
NONCE_SECONDS = 3600


def issue(registration_pk: int, target_link_uri: str) -> tuple[str, str]:
    """A new (state, nonce) pair for a login to the registration."""
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    record = {"registration": registration_pk, "nonce": nonce, "target": target_link_uri}
    broker.client().set(broker.key(f"lti:state:{state}"), json.dumps(record), ex=STATE_SECONDS)
    return state, nonce


def take(state: str) -> dict | None:
    """The record a state was issued with, removed so the state never works again."""
    if not state or len(state) > 200:
        return None
    raw = broker.client().getdel(broker.key(f"lti:state:{state}"))
    return json.loads(raw) if raw else None


def use_nonce(registration_pk: int, nonce: str) -> bool:
    """True the first time a nonce is seen for the registration, False on any replay."""
    key = broker.key(f"lti:nonce:{registration_pk}:{nonce}")
    return bool(broker.client().set(key, "1", nx=True, ex=NONCE_SECONDS))


def keep(launch: dict) -> str:
    """Store a validated launch; returns its launch id."""
    launch_id = secrets.token_urlsafe(24)
    broker.client().set(
        broker.key(f"lti:launch:{launch_id}"),
        json.dumps(launch),
        ex=settings.LTI_LAUNCH_TTL_SECONDS,
    )
    return launch_id


def find(launch_id: str) -> dict | None:
    if not launch_id or len(launch_id) > 64:
        return None
    raw = broker.client().get(broker.key(f"lti:launch:{launch_id}"))
    return json.loads(raw) if raw else None


def forget(launch_id: str) -> bool:
    """End a launch (a deep-linking choice is sent once); False if it had ended already."""
    return broker.client().getdel(broker.key(f"lti:launch:{launch_id}")) is not None


def use_login_token(launch_id: str) -> bool:
    """True the first time the launch's one-time sign-in link is used."""
    key = broker.key(f"lti:login:{launch_id}")
    return bool(broker.client().set(key, "1", nx=True, ex=settings.LTI_LAUNCH_TTL_SECONDS))
