"""Waiting for the worker, and right answers for the bank's variants."""

from __future__ import annotations

import time

from courseware.models import Attempt, Submission
from courseware.variants import definition_of
from grader.answers.number import expected_value


def wait_for_status(
    submission_id: int,
    statuses=("graded", "failed"),
    timeout: float = 30,
    grading_round: int = 1,
) -> Submission:
    """The submission once it has one of these statuses in this grading round or a later one (a
    regrade opens its round when its task runs: until then the last round's status still shows)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        submission = Submission.objects.select_related("grading").get(pk=submission_id)
        if submission.status in statuses and submission.grading_round >= grading_round:
            return submission
        time.sleep(0.1)
    raise AssertionError(
        f"submission {submission_id} still {submission.status} in round"
        f" {submission.grading_round} after {timeout} s"
    )


def right_number_answers(attempt: Attempt) -> dict:
    """The correct payload for a number exercise's variant (each part's reference value)."""
    definition = definition_of(attempt)
    values = {
        p.name: {"value": repr(expected_value(p.config["answer"], attempt.params))}
        for p in definition.parts
    }
    return next(iter(values.values())) if definition.single_part else {"parts": values}


def expression_text(attempt: Attempt, authored_text: str | None = None) -> str:
    """An expression exercise's reference answer (or another authored expression, such as a
    mistake rule's) for the attempt's variant, written as a learner types it."""
    from grader.answers.expression import authored

    part = definition_of(attempt).parts[0]
    text = authored_text or part.config["answer"]
    return str(authored(part, text, attempt.params).value)
