from django.db import migrations, models


def rename_payload_key(apps, old: str, new: str) -> None:
    """Undelivered "submission.finished" events name the round under the new key."""
    OutboxEvent = apps.get_model("courseware", "OutboxEvent")
    pending = OutboxEvent.objects.filter(kind="submission.finished", delivered_at__isnull=True)
    for event in pending:
        if old in event.payload:
            event.payload[new] = event.payload.pop(old)
            event.save(update_fields=["payload"])


class Migration(migrations.Migration):
    dependencies = [("courseware", "0009_exam_sittings")]

    operations = [
        migrations.RemoveConstraint(model_name="grading", name="one_grading_per_request"),
        migrations.RenameField(model_name="submission", old_name="request", new_name="grading_round"),
        migrations.RenameField(model_name="grading", old_name="request", new_name="grading_round"),
        migrations.AddConstraint(
            model_name="grading",
            constraint=models.UniqueConstraint(
                fields=["submission", "grading_round"], name="one_grading_per_round"
            ),
        ),
        migrations.RunPython(
            lambda apps, schema: rename_payload_key(apps, "request", "grading_round"),
            lambda apps, schema: rename_payload_key(apps, "grading_round", "request"),
        ),
    ]
