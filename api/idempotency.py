"""Idempotency-Key for submissions: one outcome per key, replayed for the same body.

The first request with a key inserts an unfinished record (the database's unique constraint
settles races); later requests with the same key replay the stored response, get 422 if their
body differs, and 409 while the first is still being handled. Records expire after a day.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.http import JsonResponse
from django.utils import timezone

from api.problems import problem
from lms.models import IdempotencyRecord

LIFETIME = timedelta(hours=24)
MAX_KEY = 200


def digest(body: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def begin(client: User, key: str, body: dict[str, Any]) -> IdempotencyRecord | JsonResponse:
    """A new record to finish later, or the response this request gets right away."""
    if not key or len(key) > MAX_KEY:
        return problem(
            422,
            f"An Idempotency-Key is 1 to {MAX_KEY} characters.",
            errors={"Idempotency-Key": ["length"]},
        )
    IdempotencyRecord.objects.filter(
        client=client, key=key, created_at__lt=timezone.now() - LIFETIME
    ).delete()
    body_digest = digest(body)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(client=client, key=key, body_digest=body_digest)
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.filter(client=client, key=key).first()
    if record is None:
        return problem(409, "A request with this Idempotency-Key is being handled; retry shortly.")
    if record.body_digest != body_digest:
        return problem(
            422,
            "This Idempotency-Key was used with a different request body.",
            errors={"Idempotency-Key": ["reused with another body"]},
        )
    if not record.finished:
        return problem(409, "A request with this Idempotency-Key is still being handled.")
    return replay(record)


def replay(record: IdempotencyRecord) -> JsonResponse:
    status = record.status
    assert status is not None  # finish() stores it with `finished`
    content_type = "application/json" if status < 400 else "application/problem+json"
    response = JsonResponse(record.body, status=status, content_type=content_type)
    if record.location:
        response["Location"] = record.location
    response["Idempotent-Replayed"] = "true"
    return response


def finish(
    record: IdempotencyRecord, status: int, body: dict[str, Any], location: str = ""
) -> None:
    """Store the response; a server error forgets the key so the client can retry."""
    if status >= 500:
        record.delete()
        return
    record.finished, record.status, record.body, record.location = True, status, body, location
    record.save(update_fields=["finished", "status", "body", "location"])
