from django.apps import AppConfig


class ExercisesConfig(AppConfig):
    name = "exercises"
    verbose_name = "Exercise bank"
    default_auto_field = "django.db.models.BigAutoField"
