"""Refuse API request bodies over the limit before anything reads them (413, problem JSON)."""

from lms.problems import problem

MAX_BODY_BYTES = 72 * 1024  # the largest answer (64 KB of code) plus its envelope


class ApiBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return problem(400, "Content-Length is not a number.")
            if length > MAX_BODY_BYTES:
                return problem(
                    413, f"The request body is over the {MAX_BODY_BYTES // 1024} KB limit."
                )
        return self.get_response(request)
