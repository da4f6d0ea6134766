"""Versions loaded before trusted files were stored named them by a path in the bank's folder:
read each once more from the checkout this migration runs in, store it, and name it by digest."""

import hashlib

from django.conf import settings
from django.db import migrations


def files_by_digest(apps, schema_editor):
    ExerciseVersion = apps.get_model("courseware", "ExerciseVersion")
    TrustedFile = apps.get_model("exercises", "TrustedFile")
    for version in ExerciseVersion.objects.exclude(spec__files={}).iterator():
        files = version.spec.get("files") or {}
        named = {}
        for name, value in files.items():
            path = settings.EXERCISES_DIR / value
            if len(value) == 64 and "/" not in value:
                named[name] = value  # already a digest
            elif path.is_file():
                text = path.read_text(encoding="utf-8")
                digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
                TrustedFile.objects.get_or_create(sha256=digest, defaults={"text": text})
                named[name] = digest
        if named != files:
            version.spec = {**version.spec, "files": named}
            version.save(update_fields=["spec"])


class Migration(migrations.Migration):
    dependencies = [
        ("exercises", "0001_trusted_files"),
        ("courseware", "0004_authored_exercise"),
    ]

    operations = [migrations.RunPython(files_by_digest, migrations.RunPython.noop)]
