"""ExerciseDef objects for stored exercise versions (cached: a version never changes)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings

from courseware.models import ExerciseVersion
from exercises.loader import build_definition
from grader.spec import ExerciseDef


@lru_cache(maxsize=512)
def _definition(version_pk: int) -> ExerciseDef:
    version = ExerciseVersion.objects.select_related("exercise__module").get(pk=version_pk)
    return build_definition(version.spec, settings.EXERCISES_DIR, version.exercise.module.slug)


def definition_for(version: ExerciseVersion) -> ExerciseDef:
    return _definition(version.pk)
