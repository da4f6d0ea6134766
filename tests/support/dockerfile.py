"""A small Dockerfile reader: instructions with their arguments, continuations joined, comments
and parser directives dropped; exec form (a JSON array) told apart from shell form."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

INSTRUCTIONS = frozenset(
    {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK", "LABEL",
     "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
)  # fmt: skip


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str
    line: int

    @property
    def exec_form(self) -> list[str] | None:
        """The argument list of `CMD ["a", "b"]`; None for the shell form."""
        if not self.arguments.startswith("["):
            return None
        value = json.loads(self.arguments)
        if not (isinstance(value, list) and all(isinstance(item, str) for item in value)):
            raise ValueError(f"line {self.line}: {self.keyword} needs a JSON array of strings")
        return value

    @property
    def words(self) -> list[str]:
        """The arguments as a shell would split them (exec form: the array)."""
        return self.exec_form if self.exec_form is not None else shlex.split(self.arguments)

    def commands(self) -> list[list[str]]:
        """A shell-form RUN's commands, split at `&&`, `;` and `||`."""
        commands, current = [], []
        for word in self.words:
            if word in {"&&", ";", "||"}:
                commands.append(current)
                current = []
            else:
                current.append(word)
        return [*commands, current]


def parse(path: Path) -> list[Instruction]:
    """Instructions in order; a ValueError names the line of an unknown instruction."""
    instructions: list[Instruction] = []
    pending, start = "", 0
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue  # a comment or parser directive
        if pending and line.startswith("#"):
            continue  # comments may sit inside a continued instruction
        if not pending:
            start = number
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        text = pending + line
        pending = ""
        keyword, _, arguments = text.partition(" ")
        if keyword.upper() not in INSTRUCTIONS:
            raise ValueError(f"{path.name}:{start}: unknown instruction {keyword!r}")
        instructions.append(Instruction(keyword.upper(), arguments.strip(), start))
    if pending:
        raise ValueError(f"{path.name}:{start}: the last instruction ends with a continuation")
    return instructions


def env(instructions: list[Instruction]) -> dict[str, str]:
    """The image's environment from its ENV instructions (`KEY=value` pairs)."""
    found: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ENV":
            for pair in instruction.words:
                key, _, value = pair.partition("=")
                found[key] = value
    return found
