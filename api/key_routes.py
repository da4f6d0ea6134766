"""API: API keys (make one for yourself, list and revoke your own; an operator key: anyone's)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from api.access import ApiRequest, new_key_terms, refuse_personal, require_scope, visible_keys
from api.keys import DEFAULT_SCOPES, create_key
from api.parsing import Input
from api.problems import BODY, KEYED, documented
from lms.models import ApiKey

router = Router(tags=["api-keys"])


class KeyIn(Input):
    user: str | None = Field(
        None,
        min_length=1,
        max_length=150,
        description="The owner's username: another user only with an operator key.",
    )
    name: str = Field("", max_length=100)
    course: str | None = Field(
        None,
        min_length=1,
        max_length=50,
        description="The course the key acts in (a course key's own course by default).",
    )
    scopes: list[ApiKey.Scope] = Field(DEFAULT_SCOPES, min_length=1)


class KeyOut(Schema):
    id: int
    prefix: str
    user: str
    name: str
    course: str | None
    operator: bool
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class KeyCreated(KeyOut):
    key: str
    callback_secret: str


class KeyList(Schema):
    items: list[KeyOut]
    next: str | None = None


def describe(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.pk,
        "prefix": key.prefix,
        "user": key.user.username,
        "name": key.name,
        "course": key.course.slug if key.course else None,
        "operator": key.operator,
        "scopes": key.scopes,
        "created_at": key.created_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
    }


@router.post("/api-keys", response={201: KeyCreated}, openapi_extra=documented(*KEYED, *BODY, 404))
def create_api_key(request: ApiRequest, payload: KeyIn) -> Status[dict[str, Any]]:
    """A new key for the caller (an operator key may name another user), never with a scope the
    caller does not have; the key and its callback secret are shown only here."""
    require_scope(request, ApiKey.Scope.SUBMIT)
    refuse_personal(request, "make keys")
    scopes = {str(scope) for scope in payload.scopes}
    owner, course = new_key_terms(request, payload.user, payload.course, scopes)
    made = create_key(owner, payload.name, sorted(scopes), course)
    return Status(
        201, {**describe(made.record), "key": made.key, "callback_secret": made.callback_secret}
    )


@router.get("/api-keys", response=KeyList, openapi_extra=documented(*KEYED))
def list_api_keys(request: ApiRequest) -> dict[str, Any]:
    """The keys of the caller's owner (an operator key: every key): prefix, course, scopes,
    last use; never the key itself."""
    require_scope(request, ApiKey.Scope.READ)
    refuse_personal(request, "list keys (your profile page lists your tokens)")
    keys = visible_keys(request).order_by("-created_at")
    return {"items": [describe(k) for k in keys], "next": None}


@router.delete(
    "/api-keys/{key_id}", response={204: None}, openapi_extra=documented(*KEYED, 404, 422)
)
def revoke_api_key(request: ApiRequest, key_id: int) -> Status[None]:
    """Revoke one of the owner's keys (an operator key: any key): it stops working at once."""
    require_scope(request, ApiKey.Scope.SUBMIT)
    refuse_personal(request, "revoke keys (your profile page revokes your tokens)")
    keys = visible_keys(request).filter(pk=key_id)
    if not keys.exists():
        raise HttpError(404, "No such key.")
    keys.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
    return Status(204, None)
