"""The public REST API under /api/v1/ (django-ninja; schema at /api/v1/openapi.json, docs at /api/v1/docs)."""

from __future__ import annotations

import copy
from typing import Any

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import HttpBearer, SessionAuth

from api import (
    assessments,
    exams,
    exercises,
    key_routes,
    learner_routes,
    submissions,
    throttling,
    webhook_routes,
)
from api.access import (
    ApiRequest,
    Principal,
    key_principal,
    own_attempts,
    require_scope,
    site_principal,
)
from api.exercises import exercise_or_404
from api.keys import authenticate
from api.parsing import Input, InputRefused, Slug, StrictParser
from api.problems import BODY, KEYED, Problem, documented, invalid, problem
from courseware import ratelimits
from courseware.sandpit import ProbeRefused, sandpit_parts
from courseware.sandpit import probe as probe_sandpit
from grader.answers import answer_kind
from grader.answers.expression import reader_settings
from grader.mathinput import MathInputError, preview
from grader.mathinput.tokens import normalised_text
from grader.sandpit.landscape import SIZE
from lms.models import ApiKey
from monitoring import health as health_checks

__all__ = ["api", "require_scope"]


class ApiKeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        key = authenticate(token)
        if key is None:
            return None
        throttling.count(key.prefix)
        return key_principal(key)


class SiteSession(SessionAuth):
    """The site's own pages calling the API with the logged-in user's session (and CSRF token)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        user = super().authenticate(request, key)
        return site_principal(user) if user is not None else None


class TangentApi(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[str, OpenAPISchema] = {}

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The schema, with the problem details every error response refers to: built once per
        process for each path prefix (0.1-0.2 s of CPU: it only changes with the code), and a
        copy of it handed out."""
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        schema = self._schemas.get(path_prefix)
        if schema is None:
            schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            schema["components"]["schemas"]["Problem"] = Problem.model_json_schema()
            self._schemas[path_prefix] = schema
        return copy.deepcopy(schema)


api = TangentApi(
    title="Tangent API",
    version="1",
    description=(
        "Grading API for Tangent's calculus exercises. Authenticate with "
        "`Authorization: Bearer <key>`. Errors are RFC 9457 problem JSON; lists are "
        '`{"items": [...], "next": cursor}`; work that takes time answers 202 with a Location.'
    ),
    urls_namespace="api",
    auth=ApiKeyAuth(),
    parser=StrictParser(),
)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> JsonResponse:
    """422 naming each field (`answer`, `limit`…; a body's fields without the parameter name)."""
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        place, *path = error.get("loc", ())
        location = ".".join(str(p) for p in path[1 if place == "body" else 0 :]) or place
        errors.setdefault(location, []).append(error.get("msg", "invalid"))
    return invalid(errors)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> JsonResponse:
    return problem(
        401,
        "Send a valid API key: Authorization: Bearer <key>.",
        headers={"WWW-Authenticate": "Bearer"},
    )


@api.exception_handler(ratelimits.RateLimited)
def on_rate_limited(request: HttpRequest, exc: ratelimits.RateLimited) -> JsonResponse:
    return problem(429, exc.message, headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> JsonResponse:
    return problem(404, str(exc) or "Not found.")


@api.exception_handler(InputRefused)
def on_input_refused(request: HttpRequest, exc: InputRefused) -> JsonResponse:
    return exc.response()


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> JsonResponse:
    if isinstance(exc.__cause__, InputRefused):  # what the body parser raised, as ninja wraps it
        return exc.__cause__.response()
    return problem(exc.status_code, str(exc))


class HealthOut(Schema):
    database: str
    broker: str
    workers: int
    sandbox: str


class PreviewIn(Input):
    exercise: Slug
    part: str | None = Field(None, min_length=1, max_length=100)
    value: str = Field(min_length=1, max_length=2048)
    latex: bool = False


class PreviewOut(Schema):
    latex: str
    reading: str = Field(
        description="The text as read, once Unicode and full-width forms are normalised"
    )


@api.get("/health", auth=None, response=HealthOut, tags=["system"])
def health(request: HttpRequest) -> dict[str, Any]:
    """Database, broker, live workers (from heartbeats) and the code sandbox."""
    return health_checks.health()


@api.post(
    "/preview",
    response=PreviewOut,
    auth=[ApiKeyAuth(), SiteSession()],
    tags=["exercises"],
    url_name="preview",
    openapi_extra=documented(*KEYED, *BODY, 404),
)
def preview_answer(request: ApiRequest, payload: PreviewIn) -> dict[str, str] | JsonResponse:
    """How the parser reads an expression (LaTeX, as written), or the located reason it cannot."""
    principal = request.auth
    if principal.paced:  # keys are throttled per key; the site and personal tokens per learner
        retry_after = ratelimits.hit(ratelimits.configured("preview"), str(principal.user.pk))
        if retry_after is not None:
            raise throttling.Throttled(retry_after)
    exercise = exercise_or_404(payload.exercise)
    parts = {part["name"]: part for part in exercise.version.spec["parts"]}
    name = payload.part or (next(iter(parts)) if len(parts) == 1 else None)
    part = parts.get(name or "")
    if part is None or not answer_kind(part["kind"]).math:
        raise HttpError(404, f"No expression part {payload.part!r} in {exercise.slug}.")
    try:
        settings = reader_settings(part["config"], exercise.version.spec.get("params"))
        latex = preview(payload.value, latex_input=payload.latex, **settings)
    except MathInputError as error:
        return problem(
            422, error.message, errors={"value": [error.message]}, extra={"column": error.column}
        )
    reading = payload.value if payload.latex else normalised_text(payload.value)
    return {"latex": latex, "reading": reading}


class ProbeIn(Input):
    x: float = Field(ge=0, le=SIZE, description="metres")
    y: float = Field(ge=0, le=SIZE, description="metres")
    part: str | None = Field(None, min_length=1, max_length=100)


@api.post(
    "/sandpit/{attempt_id}/probe",
    auth=[ApiKeyAuth(), SiteSession()],
    tags=["sandpit"],
    url_name="sandpit_probe",
    openapi_extra=documented(*KEYED, *BODY, 404, 409),
)
def sandpit_probe(
    request: ApiRequest, attempt_id: int, payload: ProbeIn
) -> dict[str, Any] | JsonResponse:
    """Push the dip-stick in at (x, y) metres: the depth, the arrow −∇f (or null), the status.

    When the round ends (found or failed) the answer also carries the contour grid for the
    replay and the submission its probes were graded as. Only the attempt's learner may probe.
    """
    require_scope(request, ApiKey.Scope.SUBMIT)
    attempt = own_attempts(request).select_related("exercise_version").filter(pk=attempt_id).first()
    if attempt is None or not sandpit_parts(attempt):
        raise Http404("No such sandpit.")
    try:
        return probe_sandpit(attempt, payload.x, payload.y, payload.part)
    except ProbeRefused as refused:
        errors = {refused.field: [refused.message]} if refused.field else None
        headers = {"Retry-After": "1"} if refused.status == 429 else None
        return problem(refused.status, refused.message, errors=errors, headers=headers)


for module in (
    exercises,
    submissions,
    learner_routes,
    key_routes,
    webhook_routes,
    assessments,
    exams,
):
    api.add_router("/", module.router)
