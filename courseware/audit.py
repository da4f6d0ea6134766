"""The audit log: every staff action that changes grades, with who and when."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from courseware.models import Assessment, AuditEntry, Course


class Action:
    MANUAL_GRADE = "manual grade"
    REGRADE = "regrade"
    EXCEPTION_SET = "exception set"
    EXCEPTION_REMOVED = "exception removed"
    ASSESSMENT_CHANGED = "assessment changed"
    ITEMS_CHANGED = "items changed"
    EXAM_ENDED = "exam ended"
    EXAM_EXTENDED = "exam extended"


def record(
    course: Course,
    actor: User | None,
    action: str,
    *,
    assessment: Assessment | None = None,
    learner: User | None = None,
    **detail: Any,
) -> AuditEntry:
    """Write one entry; `detail` must be JSON-able (dates as ISO strings)."""
    return AuditEntry.objects.create(
        course=course,
        actor=actor,
        action=action,
        assessment=assessment,
        learner=learner,
        detail=detail,
    )
