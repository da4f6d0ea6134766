from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_out


def end_launches(sender, request, user, **kwargs):
    """Logging out ends every launch id of the user, the one the request carried among them."""
    from lms import launch_state

    if user is not None:
        launch_state.end_all(user.pk)


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS integration and API"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        user_logged_out.connect(end_launches, dispatch_uid="lms.end_launches")
