from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out

if TYPE_CHECKING:  # the auth models load only once the apps are ready
    from django.contrib.auth.models import User
    from django.http import HttpRequest


def end_launches(sender: object, request: HttpRequest, user: User | None, **kwargs: Any) -> None:
    """Logging out ends every launch id of the user, the one the request carried among them."""
    from lms import launch_state

    if user is not None:
        launch_state.end_all(user.pk)


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS integration and API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        user_logged_out.connect(end_launches, dispatch_uid="lms.end_launches")
