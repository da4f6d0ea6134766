"""What a client or the staff may do to a submission once it is stored: cancel it while it waits
in the queue, or grade it again once it is finished. Each refuses with the reason (Refused), so the
API, the staff pages and their tests share one rule."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from courseware.grading import pipeline
from courseware.models import Submission

Status = Submission.Status
REGRADABLE = (Status.GRADED, Status.FAILED)


class Refused(Exception):
    """The submission is not in a state that allows the change; `reason` says which it is in."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def cancel(submission: Submission) -> Submission:
    """Cancel a submission still queued (a worker checks the status before it grades); one being
    graded or finished is refused. Returns the submission as it now stands."""
    cancelled = Submission.objects.filter(pk=submission.pk, status=Status.QUEUED).update(
        status=Status.CANCELLED, updated_at=timezone.now()
    )
    submission.refresh_from_db()
    if not cancelled:
        raise Refused(
            f"Only a queued submission can be cancelled; this one is {submission.status}."
        )
    return submission


def regrade(
    submission_id: int, *, prepare: Callable[[Submission], object] | None = None
) -> Submission:
    """Open a new grading round for a graded or failed submission (queued once this commits);
    one still queued, being graded or cancelled is refused. `prepare` runs on the locked
    submission first, in the same transaction (the staff regrade moves its attempt onto the
    current version there)."""
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("attempt__exercise_version__exercise__current_version")
            .get(pk=submission_id)
        )
        if locked.status not in REGRADABLE:
            raise Refused(
                f"Only a graded or failed submission can be regraded; this one is {locked.status}."
            )
        if prepare is not None:
            prepare(locked)
        pipeline.open_grading_round(locked)
    return locked
