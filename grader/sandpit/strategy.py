"""Strategy mode: a learner's `next_step(f, J, H)` walks the pit, driven from the trusted side.

The landscape never leaves this module: the step function only sees the depth f, the gradient J
(shape (2,)) and the Hessian H (shape (2, 2)) at its current position. In the code grader the step
function is a proxy that calls the learner's code inside the sandbox.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

import numpy as np

from grader.sandpit.game import TRAP_RADIUS, WIN_RADIUS, on_dry_hole
from grader.sandpit.landscape import SIZE, Landscape

StepFunction = Callable[[float, np.ndarray, np.ndarray], object]


class ClickEnd(StrEnum):
    """How a click ended: at the bottom, or why not."""

    FOUND = "found"
    LEFT_PIT = "left_pit"
    RAISED = "raised"
    NON_FINITE = "non_finite"
    TRAPPED = "trapped"
    OSCILLATING = "oscillating"
    TOO_SLOW = "too_slow"


# How a click ends when it does not reach the bottom.
CAUSES = tuple(end for end in ClickEnd if end is not ClickEnd.FOUND)


@dataclass(frozen=True)
class Click:
    """One click: where it started, the path its automatic steps took, and how it ended."""

    start: tuple[float, float]
    path: tuple[tuple[float, float], ...]
    outcome: ClickEnd
    error: str = ""  # the exception's name when outcome is RAISED


@dataclass(frozen=True)
class StrategyRun:
    """One landscape played by a strategy: clicks until the bottom was found or clicks ran out."""

    found: bool
    clicks: tuple[Click, ...]


def draw_clicks(landscape: Landscape, count: int = 10) -> list[tuple[float, float]]:
    """Random click positions in the pit, fixed by the landscape's seed and scenario."""
    digest = hashlib.sha256(f"clicks:{landscape.seed}:{landscape.scenario}".encode()).digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(digest[:16], "big")))
    return [tuple(p) for p in rng.uniform(0.0, SIZE, (count, 2)).tolist()]


def _walk(
    step_fn: StepFunction, landscape: Landscape, start: tuple[float, float], steps: int
) -> Click:
    p = np.array(start, dtype=float)
    path = [tuple(p)]
    moves = []
    for _ in range(steps + 1):
        if np.hypot(*(p - landscape.minimiser)) <= WIN_RADIUS:
            return Click(start, tuple(path), ClickEnd.FOUND)
        if len(path) > steps:
            break
        f = float(landscape.depth(*p))
        J, H = landscape.gradient(*p), landscape.hessian(*p)
        try:
            step = np.asarray(step_fn(f, J.copy(), H.copy()), dtype=float).reshape(2)
        except Exception as error:  # the learner's code raised (or returned something unusable)
            return Click(start, tuple(path), ClickEnd.RAISED, type(error).__name__)
        if not np.all(np.isfinite(step)):
            return Click(start, tuple(path), ClickEnd.NON_FINITE)
        p = p + step
        moves.append(step)
        path.append(tuple(p.tolist()))
        if not (0.0 <= p[0] <= SIZE and 0.0 <= p[1] <= SIZE):
            return Click(start, tuple(path), ClickEnd.LEFT_PIT)
    return Click(start, tuple(path), _why_stuck(landscape, p, moves))


def _why_stuck(landscape: Landscape, p: np.ndarray, moves: list[np.ndarray]) -> ClickEnd:
    if on_dry_hole(landscape, *p) is not None or any(
        np.hypot(p[0] - x, p[1] - y) <= 2 * TRAP_RADIUS for x, y in landscape.traps()
    ):
        return ClickEnd.TRAPPED
    turns = [
        float(np.dot(a, b)) < -0.5 * np.linalg.norm(a) * np.linalg.norm(b)
        for a, b in pairwise(moves)
    ]
    if turns and sum(turns) >= len(turns) / 2:
        return ClickEnd.OSCILLATING
    return ClickEnd.TOO_SLOW


def simulate_strategy(
    step_fn: StepFunction,
    landscape: Landscape,
    clicks: Sequence[tuple[float, float]],
    steps_per_click: int = 5,
) -> StrategyRun:
    """Play one landscape: each click takes up to `steps_per_click` steps of `step_fn`.

    A click ends early when it reaches within 0.15 m of the global minimiser (success, and the
    run stops), leaves the pit, raises, or returns a non-finite step.
    """
    played = []
    for start in clicks:
        click = _walk(step_fn, landscape, (float(start[0]), float(start[1])), steps_per_click)
        played.append(click)
        if click.outcome is ClickEnd.FOUND:
            return StrategyRun(True, tuple(played))
    return StrategyRun(False, tuple(played))


@dataclass(frozen=True)
class StrategyReport:
    """A strategy over many landscapes: success rate, mean clicks to success, failure causes."""

    landscapes: int
    successes: int
    mean_clicks: float | None
    causes: dict[ClickEnd, int]

    @property
    def success_rate(self) -> float:
        return self.successes / self.landscapes if self.landscapes else 0.0


def evaluate_strategy(
    step_fn: StepFunction,
    landscapes: Iterable[Landscape],
    clicks_per_landscape: int = 10,
    steps_per_click: int = 5,
) -> StrategyReport:
    """Play every landscape with its own seeded clicks and summarise the runs."""
    runs = [
        simulate_strategy(step_fn, land, draw_clicks(land, clicks_per_landscape), steps_per_click)
        for land in landscapes
    ]
    won = [run for run in runs if run.found]
    causes: Counter[ClickEnd] = Counter(
        click.outcome for run in runs for click in run.clicks if click.outcome is not ClickEnd.FOUND
    )
    mean_clicks = sum(len(run.clicks) for run in won) / len(won) if won else None
    return StrategyReport(len(runs), len(won), mean_clicks, dict(causes))
