from django.apps import AppConfig


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = "LMS integration and API"
    default_auto_field = "django.db.models.BigAutoField"
