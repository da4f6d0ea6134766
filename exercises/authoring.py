"""Exercises written in the admin: checked like bank files (a few variants through the real grading
path) and published as versions of an Exercise, beside the ones that come from files."""

from __future__ import annotations

import hashlib
from typing import Any

import yaml
from django.db import transaction

from courseware.models import AuthoredExercise, Exercise, ExerciseVersion, Module, Topic
from exercises.loader import BankError, build_definition, check_definition, normalise
from exercises.topics import Taxonomy, TopicDef
from exercises.validation import validate_variant
from exercises.yaml_text import parse_yaml

SEEDS_CHECKED = 5
FILE_ONLY_KINDS = {"code", "interactive"}  # they need trusted files from the repository


def topics_in_use() -> Taxonomy:
    """The taxonomy as loaded into the database (an admin-written exercise takes its tags from it)."""
    topics = Topic.objects.select_related("module")
    return Taxonomy(tuple(TopicDef(t.slug, t.name, t.module.slug) for t in topics), ())


def check_source(
    source: str, slug_owner: AuthoredExercise | None = None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The spec of an admin-written exercise and its problems (empty when it may be published)."""
    try:
        data = parse_yaml(source)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [f"line {mark.line + 1}: not valid YAML" if mark else "not valid YAML"]
    found: list[BankError] = []
    spec = normalise(data, found, "admin")
    if spec is None:
        return None, [f"{e.field}: {e.reason}" for e in found]
    spec["files"] = {}
    problems = [f"parts.{p['name']}.kind: {p['kind']} exercises need files in the repository"
                for p in spec["parts"] if p["kind"] in FILE_ONLY_KINDS]  # fmt: skip
    existing = Exercise.objects.filter(slug=spec["slug"]).first()
    if existing and (slug_owner is None or existing.pk != slug_owner.exercise_id):
        problems.append(f"slug: {spec['slug']!r} is already used by another exercise")
    if problems:
        return spec, problems
    problems += check_definition(spec, {}) + topics_in_use().unknown_tags(spec.get("tags"))
    if problems:
        return spec, problems
    definition = build_definition(spec, {})
    for seed in range(SEEDS_CHECKED):
        problems += [
            f"seed {p.seed}: {p.where}: {p.reason}"
            for p in validate_variant(definition, spec, seed)
        ]
    return spec, problems


@transaction.atomic
def publish(authored: AuthoredExercise, spec: dict[str, Any]) -> ExerciseVersion:
    """Make the checked spec the exercise's current version (a new version when the text changed)."""
    module: Module = authored.module
    exercise = authored.exercise or Exercise.objects.create(
        slug=spec["slug"], title=spec["title"], module=module
    )
    digest = hashlib.sha256(authored.source.encode()).hexdigest()
    version = exercise.versions.filter(content_hash=digest).first()
    if version is None:
        last = exercise.versions.order_by("-number").first()
        version = ExerciseVersion.objects.create(
            exercise=exercise,
            number=(last.number + 1) if last else 1,
            content_hash=digest,
            spec=spec,
        )
    exercise.title, exercise.module, exercise.current_version, exercise.retired = (
        spec["title"],
        module,
        version,
        False,
    )
    exercise.save()
    if authored.exercise_id != exercise.pk:
        authored.exercise = exercise
        authored.save(update_fields=["exercise"])
    return version
