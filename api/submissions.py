"""API: submissions (create with idempotency, list, detail, cancel, regrade) and their results."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any, Literal

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from api import idempotency
from api.access import (
    ApiRequest,
    acting_learner,
    require_scope,
    variant_for,
    visible_submission,
    visible_submissions,
)
from api.assessment_answers import ASSESSMENT_REF, Refused, item_attempt, released_note
from api.exercises import exercise_or_404
from api.learners import ref_of, refs_of
from api.parsing import Input, LearnerRef, Seed, Slug
from api.problems import BODY, KEYED, answer_refused, documented, problem
from courseware import ratelimits
from courseware.assessments import results_hidden
from courseware.grading import events as grading_events
from courseware.grading import transitions
from courseware.grading.intake import SubmissionRefused, submit
from courseware.models import Grading, Submission
from courseware.notebook_answers import NotebookRefused, submit_notebook
from courseware.plots import chart_svg
from grader.results import AnswerTooLarge, InvalidAnswer
from lms import outbound
from lms.models import ApiKey, ApiSubmission, ScoreSync

router = Router(tags=["submissions"])
Status = Submission.Status
MAX_PAGE = 100


class SubmissionIn(Input):
    exercise: Slug
    seed: Seed | None = None
    answer: dict[str, Any] | None = Field(
        None,
        min_length=1,
        description='The answer: `{"value": ...}` (or the kind\'s own key) for a one-part '
        'exercise, `{"parts": {name: {...}}}` otherwise; keys it does not name are refused. '
        'Choices are option ids as the exercise file names them: `{"choices": ["id"]}`.',
    )
    notebook: dict[str, Any] | None = Field(
        None,
        description="Instead of `answer`, for an exercise with code: a Jupyter notebook "
        "(nbformat 4 JSON, at most 2 MB). Its cells tagged `tangent-answer` (else the function "
        "asked for, found by name, with what it uses) are graded as the code answer; it is "
        "never run outside the sandbox, and its outputs are dropped before it is stored.",
    )
    learner: LearnerRef | None = None
    callback_url: str | None = Field(
        None, min_length=1, max_length=1000, description="An https URL on a public address."
    )
    assessment: str | None = Field(
        None,
        max_length=201,
        pattern=ASSESSMENT_REF,
        description="`course/slug`: answer the learner's item of that assessment holding the "
        "exercise, under its rules (attempt limit across variants, schedule, late credit, "
        "release of results).",
    )


class NotebookCells(Schema):
    cells: list[int] = Field(description="The graded cells, counted from 1.")
    note: str


class Queued(Schema):
    """A 202 for an answer stored and queued for grading (Location: the submission)."""

    id: int
    status: str
    events: str | None = Field(
        None,
        description="Where to hear the grading at once (server-sent events: `graded`, "
        "`progress` or `timeout`), sending this key as `Authorization: Bearer`; then GET the "
        "Location. Null when the site has no push service: poll the Location instead.",
    )


class SubmissionCreated(Queued):
    notebook: NotebookCells | None = None


class SyncOut(Schema):
    destination: str
    state: str
    tries: int
    last_error: str
    at: datetime | None


class SubmissionOut(Schema):
    id: int
    exercise: str
    assessment: str | None = Field(description="`course/slug` of an answer in an assessment.")
    learner: str | None
    status: str
    released: bool = Field(
        description="False while the assessment's release policy withholds verdict, score and "
        "feedback from the learner (they are then null and empty; a staff key sees them)."
    )
    verdict: str | None
    score: float | None
    feedback: list[dict[str, Any]]
    rule: str | None = None
    created_at: datetime
    updated_at: datetime
    lms_sync: list[SyncOut]
    notebook: NotebookCells | None = None


class SubmissionList(Schema):
    items: list[SubmissionOut]
    next: str | None


class Timings(Schema):
    queued_seconds: float
    grading_seconds: float
    started_at: datetime
    finished_at: datetime


class ResultOut(Schema):
    submission: int
    exercise: str
    exercise_version: str
    status: str
    verdict: str
    score: float
    max_score: float
    feedback: list[dict[str, Any]]
    rule: str | None
    grader_version: str
    timings: Timings
    lms_sync: list[SyncOut]


class SubmissionFilters(Schema):
    exercise: Slug | None = None
    status: Status | None = None
    learner: LearnerRef | None = None
    cursor: str | None = Field(
        None,
        min_length=1,
        max_length=32,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="The `next` of the previous page, as given.",
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)


SYNCS = Prefetch("score_syncs", queryset=ScoreSync.objects.select_related("line").order_by("pk"))


def lms_sync(submission: Submission) -> list[dict[str, Any]]:
    """Where the LMS gradebook stands for this submission's score changes (prefetched: SYNCS)."""
    return [
        {
            "destination": sync.line.lineitem_url,
            "state": sync.state,
            "tries": sync.tries,
            "last_error": sync.last_error,
            "at": sync.sent_at,
        }
        for sync in submission.score_syncs.all()
    ]


def withheld(submission: Submission, staff: bool = False) -> bool:
    """Are the submission's results withheld from this client (by its assessment's release
    policy; never from staff)?"""
    return not staff and results_hidden(submission, submission.attempt.learner)


def assessment_of(submission: Submission) -> str | None:
    item = submission.attempt.assessment_item
    return f"{item.assessment.course.slug}/{item.assessment.slug}" if item else None


def serialise_submission(
    submission: Submission, client: User, refs: dict[int, str] | None = None, staff: bool = False
) -> dict[str, Any]:
    """The submission as `client` sees it: the learner by the client's own reference, if any
    (from `refs`, learner id → reference, when a page's are looked up at once); verdict, score
    and feedback only once the learner may see them (or to `staff`)."""
    hidden = withheld(submission, staff)
    grading = None if hidden else submission.grading
    learner = submission.attempt.learner
    return {
        "id": submission.pk,
        "exercise": submission.attempt.exercise_version.exercise.slug,
        "assessment": assessment_of(submission),
        "learner": refs.get(learner.pk) if refs is not None else ref_of(learner, client),
        "status": submission.status,
        "released": not hidden,
        "verdict": grading.verdict if grading else None,
        "score": grading.score if grading else None,
        "feedback": grading.feedback if grading else [],
        "rule": (grading.rule or None) if grading else None,
        "created_at": submission.created_at,
        "updated_at": submission.updated_at,
        "lms_sync": lms_sync(submission),
        "notebook": notebook_cells(submission),
    }


def notebook_cells(submission: Submission) -> dict[str, Any] | None:
    """Which cells of an uploaded notebook were graded, if the answer came in one."""
    upload = submission.uploaded_notebook
    return None if upload is None else {"cells": upload.cells, "note": upload.note}


def submission_event_data(submission: Submission, client: User) -> dict[str, Any]:
    """The submission as JSON-ready data, as webhook events to `client` carry it (the API's shape)."""
    prefetch_related_objects([submission], SYNCS)
    data = serialise_submission(submission, client)
    return SubmissionOut.model_validate(data).model_dump(mode="json")


def location_of(submission: Submission) -> str:
    return reverse("api:get_submission", args=[submission.pk])


def created(
    request: ApiRequest, submission: Submission, notebook: bool = False, **fields: Any
) -> JsonResponse:
    """202 for a queued submission (Queued): its Location, the events link only this key may
    use, which cells were graded when the answer came in a `notebook`, and the route's own
    `fields`."""
    principal = request.auth
    holder = principal.key.digest if principal.key else ""
    link = grading_events.events_url(submission.pk, holder)
    body = {
        "id": submission.pk,
        "status": submission.status,
        "events": request.build_absolute_uri(link) if link else None,
        **fields,
    }
    if notebook:
        body["notebook"] = notebook_cells(submission)
    response = JsonResponse(body, status=202)
    response["Location"] = location_of(submission)
    return response


@router.post(
    "/submissions",
    response={202: SubmissionCreated},
    openapi_extra=documented(*KEYED, *BODY, 404, 409),
)
def create_submission(request: ApiRequest, payload: SubmissionIn) -> HttpResponse:
    """Store an answer and queue its grading; poll the Location (or wait for a webhook).

    Send `Idempotency-Key` to make retries safe: the same key and body replay the first
    response, another body is 422, and a retry while the first is in flight is 409.
    """
    principal = require_scope(request, ApiKey.Scope.SUBMIT)
    key_header = request.headers.get("Idempotency-Key")
    record = None
    if key_header is not None:
        started = idempotency.begin(principal.user, key_header, payload.dict())
        if isinstance(started, HttpResponse):
            return started
        record = started
    try:
        response = _create(request, payload)
    except HttpError as error:
        response = problem(error.status_code, str(error))
    except BaseException:
        if record is not None:
            record.delete()
        raise
    if record is not None:
        idempotency.finish(
            record,
            response.status_code,
            _json(response),
            response.headers.get("Location", ""),
        )
    return response


def _json(response: HttpResponse) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response.content)
    return body


def _create(request: ApiRequest, payload: SubmissionIn) -> JsonResponse:
    principal = request.auth
    exercise = exercise_or_404(payload.exercise)
    if payload.callback_url:
        try:
            outbound.check_url(payload.callback_url)
        except outbound.UnsafeUrl as error:
            return problem(422, str(error), errors={"callback_url": [str(error)]})
    if (payload.answer is None) == (payload.notebook is None):
        message = (
            "The request is not valid: send the answer as `answer`, or a notebook as "
            "`notebook` (one of the two)."
        )
        return problem(422, message, errors={"answer": [message]})
    if payload.seed is not None:
        require_scope(
            request,
            ApiKey.Scope.STAFF,
            "Only a staff key may choose a seed; leave it out to get the learner's variant.",
        )
    learner = acting_learner(request, payload.learner)
    if payload.assessment is not None:
        if payload.seed is not None:
            return Refused(
                {"seed": ["an answer in an assessment is made on the learner's own variant"]}
            ).response()
        try:
            attempt = item_attempt(request, payload.assessment, learner, exercise)
        except Refused as refused:
            return refused.response()
    else:
        attempt = variant_for(request, learner, exercise, payload.seed)
    if principal.paced:
        retry_after = ratelimits.hit(ratelimits.configured("submit"), str(principal.user.pk))
        if retry_after is not None:
            raise ratelimits.RateLimited(
                retry_after, f"Too many answers; try again in {retry_after} s."
            )
    try:
        with transaction.atomic():
            if payload.notebook is not None:
                submission = submit_notebook(attempt, payload.notebook)
            else:
                assert payload.answer is not None  # one of the two, checked above
                submission = submit(attempt, payload.answer)
            ApiSubmission.objects.create(
                submission=submission,
                key=principal.key,
                client=principal.user,
                learner_ref=payload.learner or "",
                callback_url=payload.callback_url or "",
            )
    except (AnswerTooLarge, InvalidAnswer, SubmissionRefused) as error:
        return answer_refused(error)
    except NotebookRefused as refused:
        return problem(refused.status, refused.message, errors={"notebook": [refused.message]})
    return created(request, submission, notebook=payload.notebook is not None)


def decode_cursor(cursor: str) -> int:
    try:
        return int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError) as error:
        raise HttpError(422, "The cursor is not one this API gave out.") from error


def encode_cursor(pk: int) -> str:
    return base64.urlsafe_b64encode(str(pk).encode()).decode().rstrip("=")


@router.get("/submissions", response=SubmissionList, openapi_extra=documented(*KEYED, 404, 422))
def list_submissions(request: ApiRequest, filters: Query[SubmissionFilters]) -> dict[str, Any]:
    """The submissions the key may see, newest first; filter by exercise, status or learner;
    page with `next`."""
    principal = require_scope(request, ApiKey.Scope.READ)
    submissions = visible_submissions(request).order_by("-pk")
    if filters.exercise:
        submissions = submissions.filter(attempt__exercise_version__exercise__slug=filters.exercise)
    if filters.status:
        submissions = submissions.filter(status=filters.status)
    if filters.learner:
        learner = acting_learner(request, filters.learner, create=False)
        submissions = submissions.filter(attempt__learner=learner)
    if filters.cursor:
        submissions = submissions.filter(pk__lt=decode_cursor(filters.cursor))
    page = list(submissions.prefetch_related(SYNCS)[: filters.limit + 1])
    more = len(page) > filters.limit
    page = page[: filters.limit]
    refs = refs_of({s.attempt.learner_id for s in page}, principal.user)
    return {
        "items": [serialise_submission(s, principal.user, refs, principal.staff) for s in page],
        "next": encode_cursor(page[-1].pk) if more else None,
    }


def submission_or_404(request: ApiRequest, submission_id: int) -> Submission:
    submission = visible_submission(request, submission_id)
    if submission is None:
        raise HttpError(404, "No such submission.")
    prefetch_related_objects([submission], SYNCS)
    return submission


@router.get(
    "/submissions/{submission_id}",
    response=SubmissionOut,
    openapi_extra=documented(*KEYED, 404, 422),
)
def get_submission(request: ApiRequest, submission_id: int) -> dict[str, Any]:
    """A submission: status, then verdict, score and feedback once graded, and its LMS sync."""
    principal = require_scope(request, ApiKey.Scope.READ)
    submission = submission_or_404(request, submission_id)
    return serialise_submission(submission, principal.user, staff=principal.staff)


@router.post(
    "/submissions/{submission_id}/cancel",
    response=SubmissionOut,
    openapi_extra=documented(*KEYED, 404, 409, 422),
)
def cancel_submission(request: ApiRequest, submission_id: int) -> dict[str, Any]:
    """Cancel a submission that is still queued (one being graded or graded cannot be)."""
    principal = require_scope(request, ApiKey.Scope.SUBMIT)
    submission = submission_or_404(request, submission_id)
    try:
        transitions.cancel(submission)
    except transitions.Refused as refused:
        raise HttpError(409, refused.reason) from None
    return serialise_submission(submission, principal.user, staff=principal.staff)


@router.post(
    "/submissions/{submission_id}/regrade",
    response={202: SubmissionCreated},
    openapi_extra=documented(*KEYED, 404, 409, 422),
)
def regrade_submission(request: ApiRequest, submission_id: int) -> JsonResponse:
    """Staff: grade a finished submission again (a new grading row; the old one stays); a course
    key regrades only in its course."""
    require_scope(request, ApiKey.Scope.STAFF)
    submission = submission_or_404(request, submission_id)
    try:
        regraded = transitions.regrade(submission.pk)
    except transitions.Refused as refused:
        raise HttpError(409, refused.reason) from None
    return created(request, regraded)


class ResultQuery(Input):
    figures: Literal["svg"] | None = Field(None, description="`svg`: figures drawn as SVG too.")


def with_svg(item: dict[str, Any]) -> dict[str, Any]:
    """A feedback item; a figure's with its SVG drawing (courseware.plots) in `data.svg`."""
    if item.get("type") != "figure":
        return item
    data = item.get("data", {})
    return {**item, "data": {**data, "svg": chart_svg(data.get("figure", {}))}}


def graded_or_409(request: ApiRequest, submission_id: int) -> tuple[Submission, Grading]:
    """A graded submission whose results the client may see, with its grading; 409 (saying why)
    otherwise."""
    submission = submission_or_404(request, submission_id)
    grading = submission.grading
    if grading is None:
        raise HttpError(409, f"The submission has no result yet; it is {submission.status}.")
    if withheld(submission, request.auth.staff):
        raise HttpError(409, released_note(submission))
    return submission, grading


@router.get(
    "/results/{submission_id}",
    response=ResultOut,
    tags=["results"],
    openapi_extra=documented(*KEYED, 404, 409, 422),
)
def get_result(
    request: ApiRequest, submission_id: int, query: Query[ResultQuery]
) -> dict[str, Any]:
    """The latest grading of a submission: score out of max, verdict, feedback, versions, timings.

    With `figures=svg`, each figure item's data also holds the figure drawn as on the page (`svg`).
    """
    require_scope(request, ApiKey.Scope.READ)
    submission, grading = graded_or_409(request, submission_id)
    feedback = grading.feedback
    if query.figures == "svg":
        feedback = [with_svg(item) for item in feedback]
    return {
        "submission": submission.pk,
        "exercise": submission.attempt.exercise_version.exercise.slug,
        "exercise_version": grading.exercise_version.content_hash,
        "status": submission.status,
        "verdict": grading.verdict,
        "score": grading.score,
        "max_score": 1.0,
        "feedback": feedback,
        "rule": grading.rule or None,
        "grader_version": grading.grader_version,
        "timings": {
            "queued_seconds": max(
                (grading.started_at - submission.created_at).total_seconds(), 0.0
            ),
            "grading_seconds": grading.seconds,
            "started_at": grading.started_at,
            "finished_at": grading.finished_at,
        },
        "lms_sync": lms_sync(submission),
    }


@router.get(
    "/results/{submission_id}/results.json",
    tags=["results"],
    openapi_extra=documented(*KEYED, 404, 409, 422),
)
def gradescope_result(request: ApiRequest, submission_id: int) -> dict[str, Any]:
    """The result in Gradescope's autograder `results.json` format (score out of 100)."""
    require_scope(request, ApiKey.Scope.READ)
    _, grading = graded_or_409(request, submission_id)
    tests = [
        {
            "name": item.get("data", {}).get("name") or item.get("type", "feedback"),
            "status": "passed" if item.get("data", {}).get("passed") else "failed",
            "output": item.get("text", ""),
        }
        for item in grading.feedback
        if item.get("type") == "test"
    ]
    return {
        "score": round(grading.score * 100, 4),
        "max_score": 100,
        "execution_time": round(grading.seconds, 3),
        "output": "\n".join(
            item.get("text", "") for item in grading.feedback if item.get("type") != "test"
        ),
        "tests": tests,
        "extra_data": {
            "verdict": grading.verdict,
            "rule": grading.rule,
            "grader_version": grading.grader_version,
        },
    }
