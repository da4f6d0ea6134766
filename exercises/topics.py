"""The course's topic taxonomy (`exercises/topics.yaml`): the only tags an exercise may carry.

Each topic has an id (the tag), the name learners read, the module it belongs to and, optionally,
a parent topic. The loader refuses a bank whose taxonomy or tags break these rules.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from exercises.yaml_text import parse_yaml

FILE = "topics.yaml"


@dataclass(frozen=True)
class TopicDef:
    id: str
    name: str
    module: str
    parent: str | None = None


@dataclass(frozen=True)
class Taxonomy:
    topics: tuple[TopicDef, ...]
    problems: tuple[str, ...]  # "field: reason" for each broken entry

    def ids(self) -> set[str]:
        return {topic.id for topic in self.topics}

    def unknown_tags(self, tags: Iterable[str] | None) -> list[str]:
        """A problem ("tags: …") for each tag that is not a topic, with the nearest topics named."""
        known = sorted(self.ids())
        problems = []
        for tag in tags or ():
            if tag in known:
                continue
            near = difflib.get_close_matches(str(tag), known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            problems.append(f"tags: {tag!r} is not a topic of exercises/{FILE}{hint}")
        return problems


def read_taxonomy(root: Path, modules: set[str] | None = None) -> Taxonomy:
    """The taxonomy under the bank's `root`; `modules`, when given, are the module slugs it may name."""
    path = root / FILE
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Taxonomy((), (f"file: exercises/{FILE} is missing",))
    except yaml.YAMLError:
        return Taxonomy((), ("file: not valid YAML",))
    if not isinstance(data, list):
        return Taxonomy((), ("file: expected a list of topics",))
    topics: list[TopicDef] = []
    problems: list[str] = []
    for index, entry in enumerate(data):
        if not isinstance(entry, dict) or not {"id", "name", "module"} <= set(entry):
            problems.append(f"[{index}]: needs id, name and module")
            continue
        topic = TopicDef(
            str(entry["id"]), str(entry["name"]), str(entry["module"]), entry.get("parent")
        )
        if topic.id in {t.id for t in topics}:
            problems.append(f"{topic.id}: listed twice")
        if modules is not None and topic.module not in modules:
            problems.append(f"{topic.id}: no module {topic.module!r}")
        topics.append(topic)
    ids = {t.id for t in topics}
    for topic in topics:
        if topic.parent is not None and topic.parent not in ids:
            problems.append(f"{topic.id}: no parent topic {topic.parent!r}")
        elif _in_a_cycle(topic, {t.id: t.parent for t in topics}):
            problems.append(f"{topic.id}: its parents lead back to it")
    return Taxonomy(tuple(topics), tuple(problems))


def _in_a_cycle(topic: TopicDef, parents: dict[str, str | None]) -> bool:
    seen, current = set(), topic.parent
    while current is not None and current not in seen:
        if current == topic.id:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
