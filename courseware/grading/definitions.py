"""ExerciseDef objects for stored exercise versions, with their trusted files from the file store
(cached: a version and its files never change)."""

from __future__ import annotations

from functools import lru_cache

from courseware.models import ExerciseVersion
from exercises.filestore import store
from exercises.loader import build_definition
from grader.spec import ExerciseDef


@lru_cache(maxsize=512)
def _definition(version_pk: int, content_hash: str) -> ExerciseDef:
    """Keyed by the content too, so a row id that now names other content (a database rebuilt
    or restored) never gets another version's definition."""
    version = ExerciseVersion.objects.select_related("exercise__module").get(pk=version_pk)
    texts = store().get(version.spec.get("files", {}).values())
    return build_definition(version.spec, texts, version.exercise.module.slug)


def definition_for(version: ExerciseVersion) -> ExerciseDef:
    return _definition(version.pk, version.content_hash)
