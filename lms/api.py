"""The public REST API under /api/v1/ (django-ninja, OpenAPI at /api/v1/openapi.json)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from courseware import health as health_checks
from courseware.models import Attempt, Exercise, Submission
from courseware.sandpit import ProbeRefused, sandpit_parts
from courseware.sandpit import probe as probe_sandpit
from courseware.submissions import SubmissionRefused, submit
from courseware.variants import attempt_with_seed, current_attempt
from grader.mathinput import MathInputError, preview
from grader.results import AnswerTooLarge, InvalidAnswer
from lms.keys import authenticate
from lms.models import ApiKey
from lms.problems import problem


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return authenticate(token)


api = NinjaAPI(
    title="Tangent API",
    version="1",
    description="Grading API for Tangent's calculus exercises. Authenticate with `Authorization: Bearer <key>`.",
    urls_namespace="api",
    auth=ApiKeyAuth(),
)


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        location = ".".join(str(p) for p in error.get("loc", ())[1:]) or "body"
        errors.setdefault(location, []).append(error.get("msg", "invalid"))
    return problem(422, "The request is not valid.", errors=errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return problem(
        401,
        "Send a valid API key: Authorization: Bearer <key>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return problem(404, str(exc) or "Not found.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return problem(exc.status_code, str(exc))


class HealthOut(Schema):
    database: str
    broker: str
    workers: int
    sandbox: str


class ExerciseOut(Schema):
    slug: str
    title: str
    module: str
    kind: str


class ExerciseList(Schema):
    items: list[ExerciseOut]
    next: str | None = None


class SubmissionIn(Schema):
    exercise: str
    seed: int | None = None
    answer: dict[str, Any]


class SubmissionCreated(Schema):
    id: int
    status: str


class SubmissionOut(Schema):
    id: int
    exercise: str
    status: str
    verdict: str | None
    score: float | None
    feedback: list[dict[str, Any]]
    rule: str | None = None


class PreviewIn(Schema):
    exercise: str
    part: str | None = None
    value: str
    latex: bool = False


class PreviewOut(Schema):
    latex: str


class ProbeIn(Schema):
    x: float
    y: float
    part: str | None = None


def require_scope(request: HttpRequest, scope: str) -> ApiKey:
    key = request.auth
    if not isinstance(key, ApiKey):
        return key  # a logged-in learner on the site: their session stands for every scope
    if not key.allows(scope):
        raise HttpError(403, f"This key does not have the {scope!r} scope.")
    return key


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request):
    """Database, broker, live workers (from heartbeats) and the code sandbox."""
    return health_checks.health()


@api.get("/exercises", response=ExerciseList, tags=["exercises"])
def list_exercises(request):
    require_scope(request, ApiKey.Scope.READ)
    exercises = Exercise.objects.filter(retired=False).select_related("module", "current_version")
    items = [
        {
            "slug": e.slug,
            "title": e.title,
            "module": e.module.slug,
            "kind": "+".join(dict.fromkeys(e.current_version.kinds)),
        }
        for e in exercises
    ]
    return {"items": items, "next": None}


@api.post(
    "/preview",
    response=PreviewOut,
    auth=[ApiKeyAuth(), django_auth],
    tags=["exercises"],
    url_name="preview",
)
def preview_answer(request, payload: PreviewIn):
    """How the parser reads an expression, as canonical LaTeX, or the located reason it cannot."""
    exercise = (
        Exercise.objects.filter(slug=payload.exercise, retired=False)
        .select_related("current_version")
        .first()
    )
    if exercise is None:
        raise HttpError(404, f"No exercise {payload.exercise!r}.")
    parts = {part["name"]: part for part in exercise.current_version.spec["parts"]}
    name = payload.part or (next(iter(parts)) if len(parts) == 1 else None)
    part = parts.get(name or "")
    if part is None or part["kind"] not in ("expression", "matrix"):
        raise HttpError(404, f"No expression part {payload.part!r} in {exercise.slug}.")
    if len(payload.value) > 2048:
        return problem(413, "The expression is over the 2 KB limit.")
    config = part["config"]
    try:
        latex = preview(
            payload.value,
            config.get("variables", []),
            latex_input=payload.latex,
            functions=config.get("functions", []),
        )
    except MathInputError as error:
        return problem(
            422, error.message, errors={"value": [error.message]}, extra={"column": error.column}
        )
    return {"latex": latex}


@api.post("/submissions", response={202: SubmissionCreated}, tags=["submissions"])
def create_submission(request, payload: SubmissionIn, response: HttpResponse):
    """Store an answer and queue its grading; poll the Location for the verdict."""
    key = require_scope(request, ApiKey.Scope.SUBMIT)
    exercise = Exercise.objects.filter(slug=payload.exercise, retired=False).first()
    if exercise is None:
        raise HttpError(404, f"No exercise {payload.exercise!r}.")
    if payload.seed is not None:
        if not key.allows(ApiKey.Scope.STAFF):
            raise HttpError(
                403,
                "Only a staff key may choose a seed; leave it out to get the learner's variant.",
            )
        if not 0 <= payload.seed < 2**53:
            return problem(422, "The seed must be in [0, 2^53).", errors={"seed": ["out of range"]})
        attempt = attempt_with_seed(key.user, exercise, payload.seed)
    else:
        attempt = current_attempt(key.user, exercise)
    try:
        submission = submit(attempt, payload.answer)
    except AnswerTooLarge as error:
        return problem(413, error.message)
    except InvalidAnswer as error:
        field = f"answer.{error.part}" if error.part else "answer"
        return problem(422, error.message, errors={field: [error.message]})
    except SubmissionRefused as refused:
        return problem(409, refused.message)
    response["Location"] = reverse("api:get_submission", args=[submission.pk])
    return Status(202, {"id": submission.pk, "status": submission.status})


@api.get("/submissions/{submission_id}", response=SubmissionOut, tags=["submissions"])
def get_submission(request, submission_id: int):
    """A submission of the key's owner: status, then verdict, score and feedback once graded."""
    key = require_scope(request, ApiKey.Scope.READ)
    submission = (
        Submission.objects.select_related("grading", "attempt__exercise_version__exercise")
        .filter(pk=submission_id, attempt__learner=key.user)
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return serialise_submission(submission)


def serialise_submission(submission: Submission) -> dict:
    grading = submission.grading
    return {
        "id": submission.pk,
        "exercise": submission.attempt.exercise_version.exercise.slug,
        "status": submission.status,
        "verdict": grading.verdict if grading else None,
        "score": grading.score if grading else None,
        "feedback": grading.feedback if grading else [],
        "rule": (grading.rule or None) if grading else None,
    }


@api.post(
    "/sandpit/{attempt_id}/probe",
    auth=[ApiKeyAuth(), django_auth],
    tags=["sandpit"],
    url_name="sandpit_probe",
)
def sandpit_probe(request, attempt_id: int, payload: ProbeIn):
    """Push the dip-stick in at (x, y) metres: the depth, the arrow −∇f (or null), the status.

    When the round ends (found or failed) the answer also carries the contour grid for the
    replay and the submission its probes were graded as. Only the attempt's learner may probe.
    """
    key = require_scope(request, ApiKey.Scope.SUBMIT)
    learner = key.user if isinstance(key, ApiKey) else key
    attempt = (
        Attempt.objects.select_related("exercise_version").filter(pk=attempt_id, learner=learner)
    ).first()
    if attempt is None or not sandpit_parts(attempt):
        raise Http404("No such sandpit.")
    try:
        return probe_sandpit(attempt, payload.x, payload.y, payload.part)
    except ProbeRefused as refused:
        errors = {refused.field: [refused.message]} if refused.field else None
        headers = {"Retry-After": "1"} if refused.status == 429 else None
        return problem(refused.status, refused.message, errors=errors, headers=headers)
