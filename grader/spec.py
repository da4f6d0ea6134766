"""The plain exercise definition that `exercises/` builds from a file and `grader.grade` receives."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PartDef:
    """One named part of an exercise.

    `kind` names an answer kind of `grader.answers.KINDS`; `config` keeps the kind-specific keys
    of the file as written (answer, tolerance, options, mistakes, variables, form, tests, ...);
    each answer kind reads its own keys from it.
    """

    name: str
    kind: str
    weight: float = 1.0
    config: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ExerciseDef:
    """A whole exercise as the bank defines it: parameters, prompt and parts."""

    slug: str
    title: str
    parts: tuple[PartDef, ...]
    version: int = 1
    module: str = ""
    prompt: str = ""
    # [name, specification] pairs in the file's order (the order parameters are drawn in).
    params: list[list[Any]] | dict[str, Any] = field(default_factory=list)
    redraw_if: str | None = None
    hints: tuple[str, ...] = ()
    solution: str = ""
    solution_after: int | None = None
    tags: tuple[str, ...] = ()
    limits: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # trusted files' texts (tests.py, …)
    figure: dict[str, Any] | None = None  # drawn under the prompt (see exercises/README.md)

    @property
    def single_part(self) -> bool:
        return len(self.parts) == 1

    def part(self, name: str) -> PartDef:
        for part in self.parts:
            if part.name == name:
                return part
        raise KeyError(name)
