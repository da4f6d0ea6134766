"""What grading returns: verdicts, feedback items and results, as plain data."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Verdict(StrEnum):
    CORRECT = "correct"
    PARTIAL = "partial"
    INCORRECT = "incorrect"
    INVALID = "invalid"
    SYNTAX_ERROR = "syntax_error"
    ERROR = "error"
    TIMEOUT = "timeout"
    MEMORY = "memory"
    OUTPUT_LIMIT = "output_limit"
    NEEDS_REVIEW = "needs_review"
    GRADER_ERROR = "grader_error"


# Verdicts that do not count as an attempt: the answer could not be read, or the fault is ours.
NOT_AN_ATTEMPT = frozenset({Verdict.INVALID, Verdict.SYNTAX_ERROR, Verdict.GRADER_ERROR})

FEEDBACK_TYPES = frozenset(
    {
        "message",
        "mistake",
        "counterexample",
        "location",  # data: {"message", "highlight": the answer's LaTeX, the wrong part marked}
        "entry",
        "test",
        "diagnosis",
        "stdout",
        "traceback",
        "figure",  # data: {"figure": a grader.figures figure}; text: what it shows, in words
    }
)


def literal(text: str) -> str:
    """Text taken from an answer (or from what the learner's code reported), for a message.

    Feedback and answer messages are Markdown; text the learner controls goes in as a code span
    that holds whatever it contains: a fence longer than any run of backticks in it, line breaks
    as spaces (so it cannot start a new block), and padding where Markdown would strip it.
    courseware.rendering keeps math out of code spans, so a `$` in it is only a `$`.
    """
    text = " ".join(str(text).splitlines())
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    if text[:1] in ("`", " ") or text[-1:] in ("`", " "):
        text = f" {text} "
    return f"{fence}{text}{fence}"


class InvalidAnswer(ValueError):
    """The learner's payload cannot be read (wrong shape, unparseable); it is not an attempt.

    `column` (1-based) locates the problem in text input when known.
    """

    def __init__(self, message: str, *, column: int | None = None, part: str | None = None):
        super().__init__(message)
        self.message = message
        self.column = column
        self.part = part


class AnswerTooLarge(InvalidAnswer):
    """The payload is over the size limit for its kind (answered with 413)."""


class GraderError(RuntimeError):
    """Our fault (a broken exercise or engine): never counted against the learner."""


@dataclass
class Feedback:
    """One feedback item: {"type", "text", "data"}; `type` is one of FEEDBACK_TYPES."""

    type: str
    text: str
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.type not in FEEDBACK_TYPES:
            raise ValueError(f"unknown feedback type {self.type!r}")

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.type, "text": self.text, "data": self.data}


@dataclass
class PartResult:
    """The result of one named part: score in [0, 1], feedback items, the mistake rule that fired."""

    verdict: Verdict
    score: float
    feedback: list[Feedback] = field(default_factory=list)
    rule: str | None = None


@dataclass
class GradeResult:
    """The result of a whole answer: the weighted mean of its parts."""

    verdict: Verdict
    score: float
    feedback: list[Feedback] = field(default_factory=list)
    rule: str | None = None
    parts: dict[str, PartResult] = field(default_factory=dict)

    def feedback_dicts(self) -> list[dict[str, Any]]:
        return [item.as_dict() for item in self.feedback]
