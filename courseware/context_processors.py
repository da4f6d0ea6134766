"""Site settings every page template may read."""

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, bool]:
    return {"open_signup": settings.OPEN_SIGNUP}
