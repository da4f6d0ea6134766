"""API: API keys (staff create, list and revoke)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.errors import HttpError

from lms.api_access import require_scope
from lms.keys import DEFAULT_SCOPES, create_key
from lms.models import ApiKey

router = Router(tags=["api-keys"])


class KeyIn(Schema):
    user: str | None = None
    name: str = ""
    scopes: list[ApiKey.Scope] = DEFAULT_SCOPES


class KeyOut(Schema):
    id: int
    prefix: str
    user: str
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    key: str


class KeyList(Schema):
    items: list[KeyOut]
    next: str | None = None


def describe(key: ApiKey) -> dict:
    return {
        "id": key.pk,
        "prefix": key.prefix,
        "user": key.user.username,
        "name": key.name,
        "scopes": key.scopes,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.post("/api-keys", response={201: KeyCreated})
def create_api_key(request, payload: KeyIn):
    """A new key for a user (the caller by default); the key itself is shown only here."""
    caller = require_scope(request, ApiKey.Scope.STAFF)
    owner = caller.user if isinstance(caller, ApiKey) else caller
    if payload.user:
        owner = get_user_model().objects.filter(username=payload.user, is_active=True).first()
        if owner is None:
            raise HttpError(404, f"No user {payload.user!r}.")
    if len(payload.name) > 100:
        raise HttpError(422, "A key's name is at most 100 characters.")
    record, plain = create_key(owner, payload.name, sorted({str(s) for s in payload.scopes}))
    return Status(201, {**describe(record), "key": plain})


@router.get("/api-keys", response=KeyList)
def list_api_keys(request):
    """Every key (staff): prefix, owner, scopes, last use; never the key itself."""
    require_scope(request, ApiKey.Scope.STAFF)
    keys = ApiKey.objects.select_related("user").order_by("-created_at")
    return {"items": [describe(k) for k in keys], "next": None}


@router.delete("/api-keys/{key_id}", response={204: None})
def revoke_api_key(request, key_id: int):
    """Revoke a key: it stops working at once."""
    require_scope(request, ApiKey.Scope.STAFF)
    updated = ApiKey.objects.filter(pk=key_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated and not ApiKey.objects.filter(pk=key_id).exists():
        raise HttpError(404, "No such key.")
    return Status(204, None)
