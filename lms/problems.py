"""RFC 9457 problem details for every API error."""

from __future__ import annotations

from http import HTTPStatus

from django.http import JsonResponse


def api_not_found(request, path: str = "") -> JsonResponse:
    """Unknown URLs under /api/ answer in problem JSON too."""
    return problem(404, f"No API endpoint at {request.path}; see /api/v1/openapi.json.")


def problem(
    status: int,
    detail: str,
    *,
    errors: dict | None = None,
    headers: dict | None = None,
    extra: dict | None = None,
) -> JsonResponse:
    """A problem+json response; `extra` adds members such as a located error's `column`."""
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    body.update(extra or {})
    response = JsonResponse(body, status=status, content_type="application/problem+json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response
