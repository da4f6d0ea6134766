"""A submission XQueue handed out: its body read, recorded once, turned into a Tangent submission.

Every handing-out of one XQueue submission finds the same XQueueSubmission row (queue, XQueue's
id, the body's digest): the first creates the Tangent submission, later ones only note the new
header, so a redelivery is never graded again and never uses a second attempt. A body that cannot
be graded (not in Open edX's format, a grader_payload that names no exercise, an unreadable
answer, a quiz rule that refuses it) is recorded with the reason and answered as not graded.

The body is what edx-platform's CodeResponse sends: JSON with `grader_payload` (the problem's
`<grader_payload>` text: `{"exercise": "<slug>"}`, plus `"variants": N` for a problem exported
with its table of variants), `student_info` (JSON text with `anonymous_student_id` and the
problem's `random_seed`) and `student_response` (the answer box's text).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from api import learners
from courseware.grading.intake import SubmissionRefused, submit
from courseware.models import Attempt, Exercise, Submission
from courseware.variants import attempt_with_seed, current_attempt, definition_of, table_seed
from grader.answers import answer_kind
from grader.results import InvalidAnswer, Verdict
from lms.models import XQueueSubmission
from lms.xqueue.client import Pulled
from lms.xqueue.messages import Reply, for_grading, not_graded, verdict_label

# capa draws at most 1000 different seeds for a problem (MAX_RANDOMIZATION_BINS)
MAX_VARIANTS = 1000
TELL_STAFF = "Please tell the course staff."
FINISHED = (Submission.Status.GRADED, Submission.Status.FAILED, Submission.Status.CANCELLED)


class Unusable(Exception):
    """A submission Tangent does not grade; `message` tells the learner why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Request:
    """What a body asks: an answer to an exercise by a learner, for one variant of a table."""

    exercise: str
    student: str
    response: str
    variants: int | None = None
    seed: int | None = None

    @property
    def variant(self) -> int | None:
        """The row of the problem's table the learner was shown: the seed modulo its length."""
        if self.variants is None or self.seed is None:  # read_body gives a seed with variants
            return None
        return self.seed % self.variants


def read_body(body: str) -> Request:
    """The request in an XQueue body; Unusable with the reason when it cannot be read."""
    fields = _json_object(body)
    if fields is None:
        raise Unusable(f"the submission is not in Open edX's XQueue format. {TELL_STAFF}")
    payload = _payload(fields.get("grader_payload"))
    info = _json_object(fields.get("student_info"))
    if info is None:
        raise Unusable(f"the submission's student_info is not readable. {TELL_STAFF}")
    student = info.get("anonymous_student_id")
    if not isinstance(student, str) or not student.strip():
        raise Unusable(f"the submission does not say who sent it. {TELL_STAFF}")
    response = fields.get("student_response", "")
    if not isinstance(response, str):
        raise Unusable(f"the submission's answer is not text. {TELL_STAFF}")
    variants = payload.get("variants")
    seed = info.get("random_seed")
    if variants is not None:
        if not _whole(variants) or not 1 <= variants <= MAX_VARIANTS:
            raise Unusable(
                f'this problem is not set up correctly: "variants" in its grader_payload must '
                f"be a whole number from 1 to {MAX_VARIANTS}. {TELL_STAFF}"
            )
        if not _whole(seed):
            raise Unusable(
                "the submission carries no random_seed, so the variant you were shown is "
                f"unknown. {TELL_STAFF}"
            )
    return Request(payload["exercise"], student, response, variants, seed)


def _payload(text: object) -> dict[str, Any]:
    """The problem's grader_payload as an object naming an exercise."""
    example = '{"exercise": "m1-chain-rule"}'
    setup = "this problem is not set up correctly: its grader_payload"
    if not isinstance(text, str) or not text.strip():
        raise Unusable(f"{setup} is empty; it must name the exercise, e.g. {example}. {TELL_STAFF}")
    try:
        payload = json.loads(text)
    except ValueError:
        raise Unusable(f"{setup} is not JSON, e.g. {example}. {TELL_STAFF}") from None
    if not isinstance(payload, dict):
        raise Unusable(f"{setup} must be a JSON object, e.g. {example}. {TELL_STAFF}")
    exercise = payload.get("exercise")
    if not isinstance(exercise, str) or not exercise.strip():
        raise Unusable(f"{setup} names no exercise, e.g. {example}. {TELL_STAFF}")
    return {**payload, "exercise": exercise.strip()}


def _json_object(text: object) -> dict[str, Any] | None:
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def accept(pulled: Pulled, queue: str, owner: User) -> XQueueSubmission:
    """The record of a handed-out submission; on first sight its answer is submitted to Tangent
    (or the reason it cannot be is recorded). Later handings-out only renew the header."""
    digest = hashlib.sha256(pulled.body.encode()).hexdigest()
    with transaction.atomic():
        record, created = XQueueSubmission.objects.select_for_update().get_or_create(
            queue=queue,
            xqueue_id=pulled.xqueue_id,
            body_digest=digest,
            defaults={"header": pulled.header},
        )
        record.header = pulled.header
        record.pulls += 1
        if created:
            try:
                record.submission = _submit(read_body(pulled.body), owner)
            except Unusable as error:
                record.reason = error.message
        record.save()
    return record


def _submit(request: Request, owner: User) -> Submission:
    exercise = (
        Exercise.objects.select_related("current_version")
        .filter(slug=request.exercise, retired=False)
        .first()
    )
    if exercise is None:
        raise Unusable(
            f"this problem names the Tangent exercise “{request.exercise}”, which does not "
            f"exist. {TELL_STAFF}"
        )
    if request.variant is None and exercise.version.spec.get("params"):
        raise Unusable(
            f"the Tangent exercise “{exercise.slug}” gives each learner different numbers, and "
            f'this problem does not show yours (its grader_payload has no "variants"). {TELL_STAFF}'
        )
    learner = learners.learner_for(owner, request.student)
    if request.variant is None:
        attempt = current_attempt(learner, exercise)
    else:
        attempt = attempt_with_seed(learner, exercise, table_seed(exercise.slug, request.variant))
    try:
        return submit(attempt, answer_from(request.response, attempt))
    except InvalidAnswer as error:
        raise Unusable(f"{verdict_label(Verdict.INVALID)}: {error.message}") from None
    except SubmissionRefused as error:
        raise Unusable(error.message) from None


def answer_from(response: str, attempt: Attempt) -> dict[str, Any]:
    """The API answer for a response: JSON in the API's shape, or text for a one-part exercise."""
    try:
        parsed = json.loads(response)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    part = definition_of(attempt).parts[0]
    return {answer_kind(part.kind).main_key: response}


def reply_for(record: XQueueSubmission) -> Reply | None:
    """The reply for a recorded submission, or None while its grading is not finished (queued,
    running, or waiting for staff review): XQueue then hands it out again later."""
    if record.submission is None:
        return not_graded(record.reason)
    submission = record.submission
    if submission.status not in FINISHED:
        return None
    if submission.status == Submission.Status.CANCELLED:
        return not_graded("the answer was withdrawn before it was graded.")
    grading = submission.grading
    if grading is None:
        return not_graded(f"the answer could not be graded. {TELL_STAFF}")
    if grading.verdict == Verdict.NEEDS_REVIEW:
        return None
    return for_grading(grading)
