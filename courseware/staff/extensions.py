"""Per-learner exceptions to an assessment (extensions, extra attempts, extra time), audited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from courseware import audit
from courseware.audit import Action
from courseware.models import Assessment, AssessmentException


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def grant(assessment: Assessment, actor: User, learner: User, **fields: Any) -> AssessmentException:
    """Set (or replace) the learner's exception on the assessment."""
    with transaction.atomic():
        exception, _ = AssessmentException.objects.update_or_create(
            assessment=assessment, learner=learner, defaults={**fields, "created_by": actor}
        )
        audit.record(
            assessment.course,
            actor,
            Action.EXCEPTION_SET,
            assessment=assessment,
            learner=learner,
            opens_at=_when(exception.opens_at),
            due_at=_when(exception.due_at),
            late_until=_when(exception.late_until),
            extra_attempts=exception.extra_attempts,
            time_multiplier=exception.time_multiplier,
            reason=exception.reason,
        )
    return exception


def revoke(exception: AssessmentException, actor: User) -> None:
    with transaction.atomic():
        audit.record(
            exception.assessment.course,
            actor,
            Action.EXCEPTION_REMOVED,
            assessment=exception.assessment,
            learner=exception.learner,
        )
        exception.delete()
