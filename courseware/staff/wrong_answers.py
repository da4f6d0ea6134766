"""The most common wrong answers of an expression exercise, grouped by mathematical equivalence.

Two answers fall in one group when they are the same function (grader.equivalence) for the same
variant parameters; answers to variants with different parameters are never compared. The work
is capped: the most recent MAX_ANSWERS wrong answers, each comparison's own small budget, and a
total time budget after which the remaining answers are grouped by their exact text only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from courseware.models import Submission
from courseware.staff.analytics import fired_rules
from courseware.variants import definition_of
from grader.answers.expression import authored, payload_text, read_text
from grader.equivalence import check_equivalent
from grader.mathinput import MathInputError, Reading, to_latex
from grader.results import GraderError, InvalidAnswer, has_full_marks
from grader.spec import PartDef

MAX_ANSWERS = 200
TOTAL_SECONDS = 4.0
CHECK_SECONDS = 0.05
LIMITS_TEXT = (
    f"Grouped from the {MAX_ANSWERS} most recent wrong answers, with about {TOTAL_SECONDS:.0f} s "
    "of equivalence checking; answers left when time runs out are grouped by exact text only."
)


@dataclass
class AnswerGroup:
    """Answers that are the same function, for one part and one set of parameters."""

    part: str
    params: dict[str, Any]
    latex: str
    texts: list[str] = field(default_factory=list)
    rules: set[str] = field(default_factory=set)
    matches_answer: bool = False  # the same function as the expected answer (a form check failed)
    reading: Reading | None = None

    @property
    def count(self) -> int:
        return len(self.texts)

    @property
    def examples(self) -> list[str]:
        return list(dict.fromkeys(self.texts))[:3]


@dataclass
class Grouping:
    groups: list[AnswerGroup]
    considered: int
    ran_out_of_time: bool

    @property
    def several_parts(self) -> bool:
        return len({group.part for group in self.groups}) > 1


def expression_parts(submission: Submission) -> list[tuple[PartDef, str]]:
    """(part, the learner's text) for each expression part of the answer that can be read as text."""
    definition = definition_of(submission.attempt)
    answer = submission.answer if isinstance(submission.answer, dict) else {}
    found = []
    for part in definition.parts:
        if part.kind != "expression":
            continue
        payload = answer if definition.single_part else answer.get("parts", {}).get(part.name)
        try:
            found.append((part, payload_text(payload)))
        except InvalidAnswer:
            pass  # an unreadable payload is not a wrong answer to group
    return found


def group_wrong_answers(
    submissions: list[Submission], now: Callable[[], float] = time.perf_counter
) -> Grouping:
    """Group the wrong expression answers (score below 1) among `submissions`, most frequent first."""
    wrong = [s for s in submissions if s.grading and not has_full_marks(s.grading.score)]
    wrong = sorted(wrong, key=lambda s: s.created_at, reverse=True)[:MAX_ANSWERS]
    deadline = now() + TOTAL_SECONDS
    buckets: dict[tuple[str, str], list[AnswerGroup]] = {}
    ran_out = False
    considered = 0
    for submission in wrong:
        params = submission.attempt.params
        for part, text in expression_parts(submission):
            considered += 1
            key = (part.name, json.dumps(params, sort_keys=True))
            groups = buckets.get(key)
            if groups is None:
                groups = buckets[key] = [expected_group(part, params)]
            in_time = now() < deadline
            ran_out = ran_out or not in_time
            group = place(groups, part, params, text, use_equivalence=in_time)
            group.texts.append(text)
            group.rules.update(rule.split(":")[-1] for rule in fired_rules(submission))
    groups = [g for bucket in buckets.values() for g in bucket if g.count]
    groups.sort(key=lambda g: (-g.count, g.latex))
    return Grouping(groups, considered, ran_out)


def expected_group(part: PartDef, params: dict[str, Any]) -> AnswerGroup:
    """An (empty) group for the expected answer, so answers equal to it are labelled as such."""
    try:
        reading = authored(part, part.config["answer"], params)
    except GraderError:
        return AnswerGroup(part.name, params, "", matches_answer=True)
    return AnswerGroup(
        part.name,
        params,
        to_latex(reading.value, as_written=False),
        matches_answer=True,
        reading=reading,
    )


def place(
    groups: list[AnswerGroup],
    part: PartDef,
    params: dict[str, Any],
    text: str,
    *,
    use_equivalence: bool,
) -> AnswerGroup:
    """The group the text belongs to (same text, or the same function), else a new group."""
    normal = " ".join(text.split())
    for group in groups:
        if normal in (" ".join(t.split()) for t in group.texts):
            return group
    try:
        reading = read_text(part, text)
    except (MathInputError, InvalidAnswer):
        reading = None
    if reading is not None and use_equivalence:
        variables = part.config.get("variables", [])
        for group in groups:
            if group.reading is None:
                continue
            verdict = check_equivalent(
                reading,
                group.reading,
                variables,
                tolerance=part.config.get("tolerance"),
                budget_s=CHECK_SECONDS,
            )
            if verdict.equivalent:
                shorter = to_latex(reading.literal)
                if not group.matches_answer and len(shorter) < len(group.latex):
                    group.latex = shorter  # show the group by its simplest member
                return group
    latex = to_latex(reading.literal) if reading is not None else ""
    group = AnswerGroup(part.name, params, latex, reading=reading)
    groups.append(group)
    return group
