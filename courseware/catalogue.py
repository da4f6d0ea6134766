"""The bank's outline, as every course page shows it: the modules in order, their quizzes with each
quiz's live exercises, and the topics of the taxonomy with the live exercises each covers.

Every learner's course page needs it and it changes only when the bank is reloaded or staff edit a
module, quiz or exercise, so it is shared (courseware.shared_cache) until one of those changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models.signals import post_delete, post_save

from courseware import shared_cache
from courseware.models import Exercise, ExerciseVersion, Module, Quiz, QuizItem, Topic

KEY = "catalogue"


@dataclass(frozen=True)
class QuizOutline:
    id: int
    slug: str
    title: str
    exercise_ids: list[int] = field(default_factory=list)  # live exercises, in the quiz's order


@dataclass(frozen=True)
class ModuleOutline:
    id: int
    slug: str
    title: str
    quizzes: list[QuizOutline] = field(default_factory=list)


@dataclass(frozen=True)
class TopicOutline:
    slug: str
    name: str
    module_id: int
    depth: int  # 0 for a topic without a parent
    exercise_ids: list[int]  # live exercises tagged with it or with a topic under it


@dataclass(frozen=True)
class Outline:
    modules: list[ModuleOutline]
    topics: list[TopicOutline]  # in the taxonomy's order; topics without exercises are left out


def outline() -> Outline:
    return shared_cache.read_through(KEY, lambda: asdict(read_outline()), _from_json)


def quizzes_with(exercise_id: int) -> list[QuizOutline]:
    """The quizzes an exercise is in, in course order."""
    return [
        quiz
        for module in outline().modules
        for quiz in module.quizzes
        if exercise_id in quiz.exercise_ids
    ]


def read_outline() -> Outline:
    live: dict[int, list[int]] = {}
    items = QuizItem.objects.filter(exercise__retired=False).order_by("quiz", "position")
    for quiz_id, exercise_id in items.values_list("quiz_id", "exercise_id"):
        live.setdefault(quiz_id, []).append(exercise_id)
    modules = {
        pk: ModuleOutline(pk, slug, title)
        for pk, slug, title in Module.objects.order_by("order").values_list("pk", "slug", "title")
    }
    quizzes = Quiz.objects.order_by("module__order", "order")
    for pk, module_id, slug, title in quizzes.values_list("pk", "module_id", "slug", "title"):
        modules[module_id].quizzes.append(QuizOutline(pk, slug, title, live.get(pk, [])))
    return Outline(list(modules.values()), _read_topics())


def _read_topics() -> list[TopicOutline]:
    rows = list(Topic.objects.order_by("module__order", "order").values_list(
        "slug", "name", "module_id", "parent__slug"
    ))  # fmt: skip
    parents: dict[str, str | None] = {slug: parent for slug, _, _, parent in rows}
    covered: dict[str, set[int]] = {slug: set() for slug in parents}
    tagged = Exercise.objects.filter(retired=False).values_list("pk", "current_version__spec__tags")
    for pk, tags in tagged:
        for tag in tags or []:
            while tag in covered:  # the topic and every topic above it
                covered[tag].add(pk)
                tag = parents[tag]
    return [
        TopicOutline(slug, name, module_id, _depth(slug, parents), sorted(covered[slug]))
        for slug, name, module_id, _ in rows
        if covered[slug]
    ]


def _depth(slug: str, parents: dict[str, str | None]) -> int:
    depth, parent = 0, parents[slug]
    while parent is not None and depth < len(parents):
        depth, parent = depth + 1, parents.get(parent)
    return depth


def _from_json(data: dict[str, Any]) -> Outline:
    modules = [
        ModuleOutline(
            m["id"], m["slug"], m["title"], [QuizOutline(**quiz) for quiz in m["quizzes"]]
        )
        for m in data["modules"]
    ]
    return Outline(modules, [TopicOutline(**topic) for topic in data["topics"]])


_FORGOTTEN_AT_THE_END: ContextVar[bool] = ContextVar("outline_forgotten_at_the_end", default=False)


def forget(**_: object) -> None:
    """Drop the shared outline now and once the current transaction commits (inside
    `forgotten_at_the_end`, only by its caller, once)."""
    if not _FORGOTTEN_AT_THE_END.get():
        shared_cache.forget(KEY)


@contextmanager
def forgotten_at_the_end() -> Iterator[None]:
    """For one change of many rows (loading the bank): each row saved does not drop the outline
    (a Redis round trip each, twice), the caller forgets it once when it is done."""
    token = _FORGOTTEN_AT_THE_END.set(True)
    try:
        yield
    finally:
        _FORGOTTEN_AT_THE_END.reset(token)


def drop() -> None:
    shared_cache.drop(KEY)


def forget_on_changes() -> None:
    for model in (Module, Quiz, QuizItem, Exercise, ExerciseVersion, Topic):
        post_save.connect(forget, sender=model, dispatch_uid=f"catalogue-{model.__name__}-save")
        post_delete.connect(forget, sender=model, dispatch_uid=f"catalogue-{model.__name__}-delete")
