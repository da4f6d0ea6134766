"""Tangent's own RSA keys for LTI: the newest signs, older ones stay published for a grace period.

Private keys are stored encrypted (lms.vault) in django-lti's Key table; the JWKS publishes the
newest active key plus any key replaced less than LTI_KEY_GRACE_HOURS ago, so platforms that
cached the old key keep verifying until they refetch.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from jwcrypto.jwk import JWK
from lti_tool.models import Key

from lms import vault


def generate() -> Key:
    """A new signing key; it signs from now on."""
    jwk = JWK.generate(kty="RSA", size=2048)
    return Key.objects.create(
        public_key=jwk.export_to_pem().decode(),
        private_key=vault.encrypt(jwk.export_to_pem(private_key=True, password=None).decode()),
    )


def signing_key() -> Key:
    """The newest active key, created if there is none, so the JWKS is never empty."""
    with transaction.atomic():
        key = Key.objects.active().order_by("-datetime_created", "-pk").first()
        return key or generate()


def private_pem(key: Key) -> str:
    return vault.decrypt(key.private_key)


def kid(key: Key) -> str:
    found: str = key.as_jwk()["kid"]
    return found


def published() -> list[Key]:
    """Keys in the JWKS: the signing key and those it replaced within the grace period."""
    newest = signing_key()
    grace = timedelta(hours=settings.LTI_KEY_GRACE_HOURS)
    keys = [newest]
    successor = newest
    for key in Key.objects.active().exclude(pk=newest.pk).order_by("-datetime_created", "-pk"):
        if successor.datetime_created + grace <= timezone.now():
            break
        keys.append(key)
        successor = key
    return keys


def jwks() -> dict[str, list[dict[str, str]]]:
    return {"keys": [key.as_jwk() for key in published()]}


def rotate() -> Key:
    """A new signing key; the previous ones stay published for the grace period."""
    return generate()


def retire_expired() -> int:
    """Deactivate keys past their grace period; returns how many."""
    keep = {key.pk for key in published()}
    retired: int = Key.objects.active().exclude(pk__in=keep).update(is_active=False)
    return retired
