"""Site settings every page template may read."""

from django.conf import settings


def site(request) -> dict:
    return {"open_signup": settings.OPEN_SIGNUP}
