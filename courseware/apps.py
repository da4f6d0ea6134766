from django.apps import AppConfig


class CoursewareConfig(AppConfig):
    name = "courseware"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from courseware import catalogue

        catalogue.forget_on_changes()
