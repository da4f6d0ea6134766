"""Personal access tokens: a learner's own API keys for Tangent's client in their notebooks.

A token reads and submits as its learner only (api/access.py says what it may reach); the
learner makes, lists and revokes theirs on their profile page. The token is shown once, when it
is made; only its digest is kept.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from api.keys import DEFAULT_SCOPES, NewKey, create_key
from lms.models import ApiKey

MAX_ACTIVE = 10


class TokenRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def tokens_of(user: User) -> QuerySet[ApiKey]:
    """The learner's personal tokens, newest first, revoked ones included."""
    return ApiKey.objects.filter(user=user, personal=True).order_by("-created_at")


def make_token(user: User, name: str) -> NewKey:
    """A new token to read and submit as `user`; TokenRefused past MAX_ACTIVE live ones."""
    name = name.strip()
    if not name or len(name) > 100:
        raise TokenRefused("Name the token (up to 100 characters), e.g. “laptop notebook”.")
    if tokens_of(user).filter(revoked_at__isnull=True).count() >= MAX_ACTIVE:
        raise TokenRefused(f"You have {MAX_ACTIVE} live tokens; revoke one before making another.")
    made = create_key(user, name, DEFAULT_SCOPES)
    ApiKey.objects.filter(pk=made.record.pk).update(personal=True)
    made.record.personal = True
    return made


def revoke_token(user: User, token_id: int) -> bool:
    """Revoke one of the learner's tokens; False if they have no such token."""
    tokens = tokens_of(user).filter(pk=token_id)
    if not tokens.exists():
        return False
    tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return True
