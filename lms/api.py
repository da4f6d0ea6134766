"""The public REST API under /api/v1/ (django-ninja; schema at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from courseware import health as health_checks
from courseware import ratelimits
from courseware.models import Attempt, Exercise
from courseware.sandpit import ProbeRefused, sandpit_parts
from courseware.sandpit import probe as probe_sandpit
from grader.mathinput import MathInputError, preview
from lms import exercise_api, key_api, learner_api, submission_api, throttling, webhook_api
from lms.api_access import require_scope
from lms.keys import authenticate
from lms.models import ApiKey
from lms.problems import problem

__all__ = ["api", "require_scope"]


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        key = authenticate(token)
        if key is not None:
            throttling.count(key.prefix)
        return key


api = NinjaAPI(
    title="Tangent API",
    version="1",
    description=(
        "Grading API for Tangent's calculus exercises. Authenticate with "
        "`Authorization: Bearer <key>`. Errors are RFC 9457 problem JSON; lists are "
        '`{"items": [...], "next": cursor}`; work that takes time answers 202 with a Location.'
    ),
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


@api.exception_handler(ratelimits.RateLimited)
def on_rate_limited(request, exc: ratelimits.RateLimited):
    return problem(429, exc.message, headers={"Retry-After": str(exc.retry_after)})


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


class PreviewIn(Schema):
    exercise: str
    part: str | None = None
    value: str
    latex: bool = False


class PreviewOut(Schema):
    latex: str


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request):
    """Database, broker, live workers (from heartbeats) and the code sandbox."""
    return health_checks.health()


@api.post(
    "/preview",
    response=PreviewOut,
    auth=[ApiKeyAuth(), django_auth],
    tags=["exercises"],
    url_name="preview",
)
def preview_answer(request, payload: PreviewIn):
    """How the parser reads an expression, as canonical LaTeX, or the located reason it cannot."""
    if not isinstance(request.auth, ApiKey):  # keys are throttled per key; the site per learner
        retry_after = ratelimits.hit(ratelimits.configured("preview"), str(request.auth.pk))
        if retry_after is not None:
            raise throttling.Throttled(retry_after)
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


class ProbeIn(Schema):
    x: float
    y: float
    part: str | None = None


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


for module in (exercise_api, submission_api, learner_api, key_api, webhook_api):
    api.add_router("/", module.router)
