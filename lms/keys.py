"""Creating and checking API keys: `tk_<prefix>_<secret>`; only a SHA-256 digest is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.utils import timezone

from lms.models import ApiKey

DEFAULT_SCOPES = [ApiKey.Scope.READ.value, ApiKey.Scope.SUBMIT.value]


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(user, name: str = "", scopes: list[str] | None = None) -> tuple[ApiKey, str]:
    """A new key for `user`; the plain key is returned once and never stored."""
    prefix = secrets.token_hex(4)
    key = f"tk_{prefix}_{secrets.token_urlsafe(32)}"
    record = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest(key),
        scopes=list(scopes or DEFAULT_SCOPES),
    )
    return record, key


def authenticate(key: str) -> ApiKey | None:
    """The active key matching `key`, or None; constant-time comparison of digests."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "tk":
        return None
    record = (
        ApiKey.objects.select_related("user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if record is None or not hmac.compare_digest(record.digest, digest(key)):
        return None
    if not record.user.is_active:
        return None
    ApiKey.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
    return record
