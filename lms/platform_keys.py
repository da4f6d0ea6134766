"""Platforms' public keys, from their JWKS URL, cached in Redis and refetched once on an unknown kid."""

from __future__ import annotations

import json

import requests
from jwt import PyJWK
from jwt.exceptions import PyJWKError
from lti_tool.models import LtiRegistration

from courseware import broker
from lms import outbound

CACHE_SECONDS = 3600


class KeyUnavailable(Exception):
    """The platform's key for a token could not be found or read."""


def _cache_key(registration: LtiRegistration) -> str:
    return broker.key(f"lti:jwks:{registration.pk}")


def _fetch(registration: LtiRegistration) -> dict:
    try:
        response = outbound.send("GET", registration.keyset_url)
        response.raise_for_status()
        keyset = response.json()
    except (requests.RequestException, ValueError) as error:
        raise KeyUnavailable(f"The platform's key set could not be fetched: {error}") from error
    if not isinstance(keyset, dict) or not isinstance(keyset.get("keys"), list):
        raise KeyUnavailable("The platform's key set is not a JWKS.")
    broker.client().set(_cache_key(registration), json.dumps(keyset), ex=CACHE_SECONDS)
    return keyset


def _cached(registration: LtiRegistration) -> dict | None:
    raw = broker.client().get(_cache_key(registration))
    return json.loads(raw) if raw else None


def _find(keyset: dict, kid: str) -> dict | None:
    return next((k for k in keyset["keys"] if isinstance(k, dict) and k.get("kid") == kid), None)


def public_key(registration: LtiRegistration, kid: str):
    """The RSA public key `kid` of the platform: from the cache, else from one fresh fetch."""
    keyset = _cached(registration)
    jwk = _find(keyset, kid) if keyset else None
    if jwk is None:
        jwk = _find(_fetch(registration), kid)
    if jwk is None:
        raise KeyUnavailable(f"The platform has no key {kid!r} in its key set.")
    if jwk.get("kty") != "RSA":
        raise KeyUnavailable(f"The platform's key {kid!r} is not an RSA key.")
    try:
        return PyJWK(jwk, algorithm="RS256").key
    except PyJWKError as error:
        raise KeyUnavailable(f"The platform's key {kid!r} cannot be read.") from error
