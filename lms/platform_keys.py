"""Platforms' public keys, from their JWKS URL, cached in Redis and refetched once on an unknown kid.

A fetch that fails or that lacks the kid asked for is remembered for `MISS_SECONDS`: until then
no launch fetches the platform's key set again, so junk launches with made-up key ids cannot make
Tangent hammer the platform (or tie up its own threads waiting for it).
"""

from __future__ import annotations

from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from django.core.cache import cache
from jwt import PyJWK
from jwt.exceptions import PyJWKError
from lti_tool.models import LtiRegistration

from lms import outbound

CACHE_SECONDS = 3600
MISS_SECONDS = 30


class KeyUnavailable(Exception):
    """The platform's key for a token could not be found or read."""


def _cache_key(registration: LtiRegistration) -> str:
    return f"lti:jwks:{registration.pk}"


JWK = dict[str, Any]


def _fetch(registration: LtiRegistration) -> JWK:
    try:
        response = outbound.send("GET", registration.keyset_url)
        response.raise_for_status()
        keyset = response.json()
    except (requests.RequestException, ValueError) as error:
        raise KeyUnavailable(f"The platform's key set could not be fetched: {error}") from error
    if not isinstance(keyset, dict) or not isinstance(keyset.get("keys"), list):
        raise KeyUnavailable("The platform's key set is not a JWKS.")
    cache.set(_cache_key(registration), keyset, CACHE_SECONDS)
    return keyset


def _miss_key(registration: LtiRegistration) -> str:
    return f"lti:jwks-miss:{registration.pk}"


def _fetch_unless_missed(registration: LtiRegistration, kid: str) -> JWK | None:
    """The key `kid` from a fresh fetch, unless a fetch failed or lacked a key lately."""
    if cache.get(_miss_key(registration)) is not None:
        raise KeyUnavailable(
            f"The platform has no key {kid!r}: its key set, fetched or tried less than"
            f" {MISS_SECONDS} seconds ago, had no such key or could not be read."
        )
    try:
        jwk = _find(_fetch(registration), kid)
    except KeyUnavailable:
        cache.set(_miss_key(registration), True, MISS_SECONDS)
        raise
    if jwk is None:
        cache.set(_miss_key(registration), True, MISS_SECONDS)
    return jwk


def _cached(registration: LtiRegistration) -> JWK | None:
    keyset: JWK | None = cache.get(_cache_key(registration))
    return keyset


def _find(keyset: JWK, kid: str) -> JWK | None:
    return next((k for k in keyset["keys"] if isinstance(k, dict) and k.get("kid") == kid), None)


def public_key(registration: LtiRegistration, kid: str) -> RSAPublicKey:
    """The RSA public key `kid` of the platform: from the cache, else from one fresh fetch."""
    keyset = _cached(registration)
    jwk = _find(keyset, kid) if keyset else None
    if jwk is None:
        jwk = _fetch_unless_missed(registration, kid)
    if jwk is None:
        raise KeyUnavailable(f"The platform has no key {kid!r} in its key set.")
    if jwk.get("kty") != "RSA":
        raise KeyUnavailable(f"The platform's key {kid!r} is not an RSA key.")
    try:
        key = PyJWK(jwk, algorithm="RS256").key
    except PyJWKError as error:
        raise KeyUnavailable(f"The platform's key {kid!r} cannot be read.") from error
    if not isinstance(key, RSAPublicKey):  # a private key, published by mistake
        raise KeyUnavailable(f"The platform's key {kid!r} is not a public key.")
    return key
