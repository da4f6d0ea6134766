"""RFC 9457 problem details for every API error, and how the OpenAPI schema documents them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Schema

from courseware.grading.intake import SubmissionRefused
from grader.results import AnswerTooLarge, InvalidAnswer

PROBLEM_TYPE = "application/problem+json"

# Why an operation may answer each error status (the OpenAPI description of the response).
REASONS = {
    400: "The body is not valid JSON.",
    401: "No valid API key (or, where the site's pages call, no logged-in session).",
    403: "The key lacks the scope, course role or right this needs (or the CSRF check failed).",
    404: "No such thing, or not one this key may see.",
    409: "The thing is not in a state that allows this.",
    413: "The request body (or an answer in it) is over its size limit.",
    415: "The body is not JSON: send Content-Type: application/json.",
    422: "The input is not valid: `errors` names each field and what is wrong with it.",
    429: "Too many requests: retry after Retry-After seconds.",
}
# What every operation with a key answers, and every operation that reads a body.
KEYED = (401, 403, 429)
BODY = (400, 413, 415, 422)


class Problem(Schema):
    """An error, as RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: dict[str, list[str]] | None = None


def documented(*statuses: int) -> dict[str, Any]:
    """`openapi_extra` for an operation: the problem responses it may give."""
    content = {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    return {
        "responses": {
            status: {"description": REASONS[status], "content": content}
            for status in sorted(set(statuses))
        }
    }


def api_not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Unknown URLs under /api/ answer in problem JSON too."""
    return problem(404, f"No API endpoint at {request.path}; see /api/v1/openapi.json.")


def problem(
    status: int,
    detail: str,
    *,
    errors: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JsonResponse:
    """A problem+json response; `extra` adds members such as a located error's `column`."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = JsonResponse(body, status=status, content_type=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def invalid(errors: dict[str, list[str]]) -> JsonResponse:
    """The 422 for input refused field by field: {field: [reasons]}, each named in the detail."""
    named = "; ".join(f"{field}: {', '.join(messages)}" for field, messages in errors.items())
    return problem(422, f"The request is not valid: {named}.", errors=errors)


def answer_refused(error: AnswerTooLarge | InvalidAnswer | SubmissionRefused) -> JsonResponse:
    """The problem for an answer that was not taken: over its size limit (413), unreadable (422,
    naming the part), or refused by the assessment's rules (409)."""
    if isinstance(error, AnswerTooLarge):
        return problem(413, error.message)
    if isinstance(error, InvalidAnswer):
        field = f"answer.{error.part}" if error.part else "answer"
        return problem(422, error.message, errors={field: [error.message]})
    return problem(409, error.message)
