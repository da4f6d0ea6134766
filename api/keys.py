"""Creating and checking API keys: `tk_<prefix>_<secret>`; only a SHA-256 digest is stored.

Each key also gets its own callback secret, which signs the callbacks of the submissions it
makes; it is stored encrypted (lms/vault.py) and, like the key, shown only when the key is made.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from datetime import timedelta
from typing import NamedTuple

from django.contrib.auth.models import User
from django.utils import timezone

from api.webhooks import new_secret
from courseware.models import Course
from lms import vault
from lms.models import ApiKey
from tangent.prepared import Prepared

# last_used_at is written at most this often: a write per request would cost every API request
# a durable commit (a WAL flush), for a date the pages show to the minute.
LAST_USED_EVERY = timedelta(minutes=1)
DEFAULT_SCOPES = [ApiKey.Scope.READ, ApiKey.Scope.SUBMIT]
ALL_SCOPES = [scope.value for scope in ApiKey.Scope]


class NewKey(NamedTuple):
    record: ApiKey
    key: str
    callback_secret: str


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(
    user: User,
    name: str = "",
    scopes: Sequence[str] | None = None,
    course: Course | None = None,
    operator: bool = False,
) -> NewKey:
    """A new key for `user`; the plain key and callback secret are returned once, never stored
    in the clear. Whether the key may be made is decided by api.access.check_grant first."""
    prefix = secrets.token_hex(4)
    key = f"tk_{prefix}_{secrets.token_urlsafe(32)}"
    callback_secret = new_secret()
    record = ApiKey.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        digest=digest(key),
        scopes=ALL_SCOPES if operator else sorted(set(scopes or DEFAULT_SCOPES)),
        course=course,
        operator=operator,
        callback_secret=vault.encrypt(callback_secret),
    )
    return NewKey(record, key, callback_secret)


_ACTIVE_KEY = Prepared(
    lambda prefix: ApiKey.objects.select_related("user", "course").filter(
        prefix=prefix, revoked_at__isnull=True
    )[:1]  # the prefix is unique
)


def authenticate(key: str) -> ApiKey | None:
    """The active key matching `key`, or None; constant-time comparison of digests."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "tk":
        return None
    record = _ACTIVE_KEY.first(parts[1])
    if record is None or not hmac.compare_digest(record.digest, digest(key)):
        return None
    if not record.user.is_active:
        return None
    now = timezone.now()
    if record.last_used_at is None or now - record.last_used_at >= LAST_USED_EVERY:
        ApiKey.objects.filter(pk=record.pk).update(last_used_at=now)
    return record
