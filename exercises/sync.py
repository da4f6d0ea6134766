"""Loads the bank into the database: idempotent, all-or-nothing, a changed file makes a new version."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from courseware import catalogue
from courseware.models import Exercise, ExerciseVersion, Module, Quiz, QuizItem, Topic
from exercises.filestore import store
from exercises.loader import Bank, BankError, read_bank


class BankInvalid(Exception):
    def __init__(self, errors: list[BankError]):
        super().__init__(f"{len(errors)} problem(s) in the exercise bank")
        self.errors = errors


@dataclass
class LoadReport:
    modules: int = 0
    exercises: int = 0
    new_versions: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    quizzes: int = 0


def load_bank(root: Path) -> LoadReport:
    """Read every file under `root` and bring the database in line; nothing changes if any file is bad."""
    return apply_bank(read_bank(root))


def apply_bank(bank: Bank) -> LoadReport:
    """Bring the database in line with a bank already read; nothing changes if any file is bad."""
    if bank.errors:
        raise BankInvalid(bank.errors)
    with transaction.atomic():
        with catalogue.forgotten_at_the_end():
            report = _apply(bank)
        catalogue.forget()  # once, for every row written (in bulk or one by one)
        return report


def _apply(bank: Bank) -> LoadReport:
    report = LoadReport()
    modules = {}
    for module_def in bank.modules:
        module, _ = Module.objects.update_or_create(
            slug=module_def.slug,
            defaults={
                "title": module_def.title,
                "order": module_def.order,
                "summary": module_def.summary,
            },
        )
        modules[module_def.slug] = module
        report.modules += 1

    _apply_topics(bank, modules)

    exercises = {}
    for loaded in bank.exercises:
        spec = loaded.spec
        store().put(loaded.files)
        exercise, _ = Exercise.objects.get_or_create(
            slug=spec["slug"], defaults={"title": spec["title"], "module": modules[loaded.module]}
        )
        version = exercise.versions.filter(content_hash=loaded.content_hash).first()
        if version is None:
            last = exercise.versions.order_by("-number").first()
            version = ExerciseVersion.objects.create(
                exercise=exercise,
                number=(last.number + 1) if last else 1,
                content_hash=loaded.content_hash,
                spec=spec,
            )
            report.new_versions.append(f"{exercise.slug} v{version.number}")
        exercise.title = spec["title"]
        exercise.module = modules[loaded.module]
        exercise.current_version = version
        exercise.retired = False
        exercise.save()
        exercises[exercise.slug] = exercise
        report.exercises += 1

    # Exercises written in the admin are not files: a reload leaves them alone.
    gone = Exercise.objects.exclude(slug__in=exercises).filter(retired=False, authored__isnull=True)
    report.retired = list(gone.values_list("slug", flat=True))
    gone.update(retired=True)

    for module_def in bank.modules:
        for quiz_def in module_def.quizzes:
            quiz, _ = Quiz.objects.update_or_create(
                slug=quiz_def.slug,
                defaults={
                    "title": quiz_def.title,
                    "module": modules[module_def.slug],
                    "order": quiz_def.order,
                },
            )
            quiz.items.all().delete()
            QuizItem.objects.bulk_create(
                QuizItem(quiz=quiz, exercise=exercises[slug], position=position)
                for position, slug in enumerate(quiz_def.exercises)
            )
            report.quizzes += 1
    return report


def _apply_topics(bank: Bank, modules: dict[str, Module]) -> None:
    """The taxonomy as the file has it, in its order; topics no longer listed are removed."""
    topics: dict[str, Topic] = {}
    for order, topic_def in enumerate(bank.topics):
        topics[topic_def.id], _ = Topic.objects.update_or_create(
            slug=topic_def.id,
            defaults={"name": topic_def.name, "module": modules[topic_def.module], "order": order},
        )
    for topic_def in bank.topics:
        topic = topics[topic_def.id]
        parent = topic_def.parent
        topic.parent = None if parent is None else topics.get(parent)
        topic.save(update_fields=["parent"])
    Topic.objects.exclude(slug__in=topics).delete()
