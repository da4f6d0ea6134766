from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lms", "0008_grade_lines_of_assessments")]

    operations = [
        migrations.RenameField(
            model_name="apisubmission", old_name="notified_request", new_name="notified_round"
        ),
        migrations.AlterField(
            model_name="apisubmission",
            name="notified_round",
            field=models.PositiveIntegerField(
                default=0, help_text="The grading round whose outcome was last announced."
            ),
        ),
    ]
