from django.apps import AppConfig


class CoursewareConfig(AppConfig):
    name = "courseware"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from courseware import assessments, catalogue
        from courseware.models import Course

        catalogue.forget_on_changes()
        assessments.forget_assessments_on_changes()
        post_save.connect(
            assessments.give_new_course_the_template,
            sender=Course,
            dispatch_uid="course-template",
        )
