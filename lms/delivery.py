"""One way to send an outbound message (an LTI score, a webhook event) and keep its state.

A message is a row with `state` (pending → done or failed), `tries` and `last_error`. Each try
posts it once; a retryable outcome is tried again by the Celery task, after the receiver's
Retry-After or an exponential backoff, until MAX_TRIES.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from celery import Task
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from lms.models import ScoreSync, WebhookDelivery

MAX_TRIES = 8
SENT, RETRY, FAILED = "sent", "retry", "failed"
Message = TypeVar("Message", ScoreSync, WebhookDelivery)


@dataclass
class Outcome:
    """What happened to one try: sent, retry later (after `retry_after` seconds) or failed for
    good; `fields` are the try's own columns to record (such as the HTTP status)."""

    state: str
    detail: str = ""
    retry_after: float | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def backoff_seconds(tries: int) -> float:
    """Exponential backoff: base × 2^(tries-1), at most an hour."""
    return min(settings.LMS_RETRY_BASE_SECONDS * 2.0 ** max(tries - 1, 0), 3600)


def attempt(
    task: Task[Any, Any],
    messages: QuerySet[Message],
    pk: int,
    post: Callable[[Message], Outcome],
    *,
    done: tuple[str, str],
) -> str:
    """One try at the pending message `pk` of `messages`; `done` is (its sent state, the field
    stamped when sent). Raises the task's Retry when it should be tried again."""
    message = messages.filter(pk=pk).first()
    if message is None or message.state != "pending":
        return "skipped"
    outcome = post(message)
    tries = message.tries + 1
    fields = {"tries": tries, "last_error": outcome.detail, **outcome.fields}
    state = None
    if outcome.state == SENT:
        state, stamped = done
        fields[stamped] = timezone.now()
    elif outcome.state == FAILED or tries > MAX_TRIES:
        state = FAILED
    if state is not None:
        fields["state"] = state
    type(message).objects.filter(pk=pk).update(**fields)
    if state is None:
        raise task.retry(countdown=outcome.retry_after or backoff_seconds(tries))
    return state
