"""Variant fairness: is a variant (its parameters) harder or easier than the exercise as a whole?

Unit: one attempt (a learner's variant) with at least one graded answer; success: its first
graded answer is correct. Each group of attempts (the same parameters, or the same value of one
parameter) is compared with all other attempts by a two-sided Fisher exact test on the 2×2 table
(success/failure × group/rest); p-values are adjusted for the number of groups tested with Holm's
step-down method, and a group is flagged when its adjusted p-value is below ALPHA.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from scipy.stats import fisher_exact

from courseware.models import Submission
from courseware.staff.analytics import is_correct

ALPHA = 0.05
MIN_GROUP = 5  # smaller groups are shown but not tested
TEST_NAME = "two-sided Fisher exact test, Holm-adjusted"


@dataclass
class VariantGroup:
    """Attempts sharing parameters: `params` holds all of them, or the one parameter tested."""

    label: str
    params: dict[str, Any]
    attempts: int
    successes: int
    rest_attempts: int = 0
    rest_successes: int = 0
    p_value: float | None = None
    adjusted_p: float | None = None
    flagged: bool = False

    @property
    def rate(self) -> float:
        return self.successes / self.attempts if self.attempts else 0.0

    @property
    def rest_rate(self) -> float:
        return self.rest_successes / self.rest_attempts if self.rest_attempts else 0.0

    @property
    def redraw_if(self) -> str:
        """A `redraw_if` condition that retires this variant, when its parameters are all
        numbers."""
        if not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in self.params.values()
        ):
            return ""
        return " and ".join(f"{name} == {value}" for name, value in self.params.items())

    @property
    def direction(self) -> str:
        return "harder" if self.rate < self.rest_rate else "easier"


@dataclass
class FairnessReport:
    attempts: int
    successes: int
    by_variant: list[VariantGroup]
    by_parameter: list[VariantGroup]

    @property
    def rate(self) -> float:
        return self.successes / self.attempts if self.attempts else 0.0

    @property
    def flagged(self) -> list[VariantGroup]:
        return [g for g in self.by_variant + self.by_parameter if g.flagged]


def first_outcomes(submissions: list[Submission]) -> list[tuple[dict[str, Any], bool]]:
    """(parameters, first graded answer correct?) for each attempt, from submissions oldest first."""
    seen: dict[int, tuple[dict[str, Any], bool]] = {}
    for submission in submissions:
        if submission.attempt_id not in seen:
            seen[submission.attempt_id] = (submission.attempt.params, is_correct(submission))
    return list(seen.values())


def assess_fairness(submissions: list[Submission]) -> FairnessReport:
    """Success by variant and by each parameter's value, with the groups that differ flagged."""
    outcomes = first_outcomes(submissions)
    total, wins = len(outcomes), sum(ok for _, ok in outcomes)
    by_variant = tally(outcomes, lambda params: [params])
    by_parameter = tally(outcomes, lambda params: [{k: v} for k, v in params.items()])
    # A parameter with a single value says nothing beyond the whole; a variant equal to the whole neither.
    by_parameter = [g for g in by_parameter if g.attempts < total]
    by_variant = [g for g in by_variant if g.attempts < total]
    for group in by_variant + by_parameter:
        group.rest_attempts = total - group.attempts
        group.rest_successes = wins - group.successes
    flag_groups([g for g in by_variant + by_parameter if g.attempts >= MIN_GROUP])
    order = lambda g: (not g.flagged, g.p_value if g.p_value is not None else 2, g.label)  # noqa: E731
    return FairnessReport(
        total, wins, sorted(by_variant, key=order), sorted(by_parameter, key=order)
    )


def tally(
    outcomes: list[tuple[dict[str, Any], bool]],
    keys: Callable[[dict[str, Any]], list[dict[str, Any]]],
) -> list[VariantGroup]:
    """Attempts and successes per group; `keys(params)` names the groups an attempt belongs to."""
    groups: dict[str, VariantGroup] = {}
    for params, ok in outcomes:
        for key in keys(params):
            label = describe(key)
            group = groups.setdefault(
                json.dumps(key, sort_keys=True), VariantGroup(label, key, 0, 0)
            )
            group.attempts += 1
            group.successes += ok
    return list(groups.values())


def describe(params: dict[str, Any]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in params.items()) or "(no parameters)"


def flag_groups(groups: list[VariantGroup]) -> None:
    """Fisher exact p-values, Holm-adjusted over these groups; flags the significant ones."""
    tested = []
    for group in groups:
        table = [
            [group.successes, group.attempts - group.successes],
            [group.rest_successes, group.rest_attempts - group.rest_successes],
        ]
        group.p_value = float(fisher_exact(table, alternative="two-sided").pvalue)
        tested.append((group.p_value, group))
    ranked = sorted(tested, key=lambda pair: pair[0])
    running = 0.0
    for rank, (p_value, group) in enumerate(ranked):
        running = max(running, min(1.0, (len(ranked) - rank) * p_value))
        group.adjusted_p = running
        group.flagged = running < ALPHA
