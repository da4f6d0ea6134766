"""Existing courses get their assessments: a copy of each of the bank's quizzes, as a new course does.

Written against the historical models, so it stays right whatever the services become.
"""

from django.db import migrations


def copy_quizzes(apps, schema_editor):
    Course = apps.get_model("courseware", "Course")
    Quiz = apps.get_model("courseware", "Quiz")
    Assessment = apps.get_model("courseware", "Assessment")
    AssessmentItem = apps.get_model("courseware", "AssessmentItem")
    PoolEntry = apps.get_model("courseware", "PoolEntry")
    quizzes = list(Quiz.objects.order_by("module__order", "order"))
    for course in Course.objects.all():
        for position, quiz in enumerate(quizzes):
            assessment, created = Assessment.objects.get_or_create(
                course=course,
                slug=quiz.slug,
                defaults={
                    "title": quiz.title,
                    "position": position,
                    "opens_at": quiz.opens_at,
                    "due_at": quiz.due_at,
                    "attempt_limit": quiz.attempt_limit,
                    "source_quiz": quiz,
                },
            )
            if not created:
                continue
            for item_position, quiz_item in enumerate(quiz.items.order_by("position")):
                item = AssessmentItem.objects.create(
                    assessment=assessment, position=item_position, points=1.0
                )
                PoolEntry.objects.create(item=item, exercise_id=quiz_item.exercise_id)


class Migration(migrations.Migration):
    dependencies = [("courseware", "0005_assessments")]

    operations = [migrations.RunPython(copy_quizzes, migrations.RunPython.noop)]
