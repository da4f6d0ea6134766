"""Structured logs: one JSON object per line, carrying the request id or the submission id."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)
submission_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "submission_id", default=None
)
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
access_log = logging.getLogger("tangent.access")


class ContextFilter(logging.Filter):
    """Adds the current request and submission ids to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request, submission = request_id.get(), submission_id.get()
        labels = [f"request={request}" if request else "",
                  f"submission={submission}" if submission else ""]  # fmt: skip
        # Extra attributes of the record, as `extra=` would set them (the formats name them).
        record.__dict__.update(
            request_id=request, submission_id=submission, context=" ".join(filter(None, labels))
        )
        return True


class QuietPeriodicTasks(logging.Filter):
    """Drops Celery's routine lines ("Sending due task", "received", "succeeded") for the periodic
    tasks of the beat schedule: they run every few seconds and log themselves when they do work."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno > logging.INFO:
            return True
        from django.conf import settings

        names = {str(entry["task"]) for entry in settings.CELERY_BEAT_SCHEDULE.values()}
        message = record.getMessage()
        return not any(name in message for name in names)


class JsonFormatter(logging.Formatter):
    FIELDS = ("request_id", "submission_id", "method", "path", "status", "duration_ms", "user")

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(
            {f: getattr(record, f) for f in self.FIELDS if getattr(record, f, None) is not None}
        )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _user_id(request: HttpRequest) -> int | None:
    """Who made the request: an API key's owner (the API's principal), else the signed-in user;
    None for nobody."""
    principal = getattr(request, "auth", None)
    user = getattr(principal, "user", None) or getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestIdMiddleware:
    """Gives each request an id (the caller's X-Request-ID when sane), echoes it, logs the access."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get("X-Request-ID", "")
        rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = rid
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                        "user": _user_id(request),
                    },
                )
            return response
        finally:
            request_id.reset(token)
