"""Request body limits on the REST API, enforced before a view reads the body."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

from api.problems import problem
from grader.notebooks import read as notebooks

MAX_BODY_BYTES = 72 * 1024  # the largest answer (64 KB of code) plus its envelope
SUBMISSIONS_PATH = "/api/v1/submissions"  # a submission may carry a whole notebook instead
NOTEBOOK_BODY_BYTES = notebooks.MAX_BYTES + 8 * 1024


class ApiBodyLimitMiddleware:
    """Refuse API request bodies over the limit before anything reads them (413, problem JSON)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return problem(400, "Content-Length is not a number.")
            if request.path == SUBMISSIONS_PATH:
                if length > NOTEBOOK_BODY_BYTES:
                    return problem(413, notebooks.too_large(length))
            elif length > MAX_BODY_BYTES:
                return problem(
                    413, f"The request body is over the {MAX_BODY_BYTES // 1024} KB limit."
                )
        return self.get_response(request)
