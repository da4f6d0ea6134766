"""One round of the Sandpit: what each probe shows, when the game ends, its score and feedback.

Everything here is a pure function of the landscape and the probe positions, so the server can
answer a probe live and the grader can replay the same probes later and agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Any

import numpy as np

from grader.sandpit.landscape import Landscape

WIN_RADIUS = 0.15  # metres from the global minimiser
TRAP_RADIUS = 0.15  # metres from another local minimum
WARN_AT = 20
MAX_PROBES = 25
PRACTICE_PROBES = 10  # practice rounds get completion credit from this many probes
PAR = {"basic": 6, "depth_only": 12, "many_minima": 10, "rocky": 10, "narrow_well": 12}
FLOOR_SCORE = 0.3
# Without arrows, a learner finds the slope by probing beside the last probe: a step this short is
# such a slope-finding probe, not a move, so it is never counted as a move uphill.
SLOPE_FINDING_DISTANCE = 0.3  # metres


class Status(StrEnum):
    PLAYING = "playing"
    TRAPPED = "trapped"  # on a dry hole: a local minimum that is not the deepest
    WARNING = "warning"  # few probes left
    FOUND = "found"
    FAILED = "failed"


ENDED = frozenset({Status.FOUND, Status.FAILED})


@dataclass(frozen=True)
class ProbeResult:
    """What the dip-stick shows at one probe; `arrow` is −∇f, or None in depth-only play."""

    n: int
    x: float
    y: float
    depth: float
    arrow: tuple[float, float] | None
    status: Status
    dry_hole: bool

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def as_dict(self) -> dict[str, Any]:
        """The probe as the browser receives it (no landscape parameters)."""
        return {
            "n": self.n,
            "x": round(self.x, 4),
            "y": round(self.y, 4),
            "depth": round(self.depth, 3),
            "arrow": [round(self.arrow[0], 3), round(self.arrow[1], 3)] if self.arrow else None,
            "status": self.status.value,
            "dry_hole": self.dry_hole,
            "probes_left": MAX_PROBES - self.n,
        }


def _within(x: float, y: float, point: tuple[float, float], radius: float) -> bool:
    return (x - point[0]) ** 2 + (y - point[1]) ** 2 <= radius**2


def on_dry_hole(landscape: Landscape, x: float, y: float) -> int | None:
    """The index of the trap (non-global local minimum) the point is on, if any."""
    for index, trap in enumerate(landscape.traps()):
        if _within(x, y, trap, TRAP_RADIUS):
            return index
    return None


def probe(landscape: Landscape, x: float, y: float, n: int) -> ProbeResult:
    """The result of the n-th probe (1-based) at (x, y)."""
    found = _within(x, y, landscape.minimiser, WIN_RADIUS)
    dry_hole = not found and on_dry_hole(landscape, x, y) is not None
    if found:
        status = Status.FOUND
    elif n >= MAX_PROBES:
        status = Status.FAILED
    elif dry_hole:
        status = Status.TRAPPED
    elif n >= WARN_AT:
        status = Status.WARNING
    else:
        status = Status.PLAYING
    arrow = landscape.arrow(x, y) if landscape.shows_arrow else None
    return ProbeResult(n, x, y, float(landscape.depth(x, y)), arrow, status, dry_hole)


def replay(landscape: Landscape, points: list[tuple[float, float]]) -> list[ProbeResult]:
    """Every probe of a round in order, stopping where the game ended."""
    results = []
    for n, (x, y) in enumerate(points, start=1):
        results.append(probe(landscape, x, y, n))
        if results[-1].ended:
            break
    return results


def score(par: int, found_at: int | None, probes: int, practice: bool = False) -> float:
    """§8.2: full marks within par, then down linearly to 0.3 at 25 probes; 0 if not found.

    Practice rounds give full credit once found or after PRACTICE_PROBES probes, so exploring
    is not penalised.
    """
    if practice and (found_at is not None or probes >= PRACTICE_PROBES):
        return 1.0
    if found_at is None:
        return 0.0
    if found_at <= par:
        return 1.0
    return max(FLOOR_SCORE, 1.0 - 0.7 * (found_at - par) / (MAX_PROBES - par))


@dataclass(frozen=True)
class Lessons:
    """What the round says about the learner's use of the slope, for the feedback after it."""

    moves: int
    downhill: int
    step_slope_correlation: float | None
    traps_hit: int
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def downhill_share(self) -> float | None:
        return self.downhill / self.moves if self.moves else None


def draw_lessons(landscape: Landscape, results: list[ProbeResult]) -> Lessons:
    """Downhill moves (cos(next − current, −∇f) > 0), step length against |∇f|, traps hit.

    In depth-only play a step within SLOPE_FINDING_DISTANCE is a probe for the slope, not a move.
    """
    points = np.array([(r.x, r.y) for r in results]).reshape(-1, 2)
    shortest_move = 1e-9 if landscape.shows_arrow else SLOPE_FINDING_DISTANCE
    downhill = moves = 0
    steps, slopes = [], []
    for here, there in pairwise(points):
        move = there - here
        slope = landscape.gradient(*here)
        if np.linalg.norm(move) <= shortest_move or np.linalg.norm(slope) < 1e-9:
            continue
        moves += 1
        downhill += float(np.dot(move, -slope)) > 0
        steps.append(float(np.linalg.norm(move)))
        slopes.append(float(np.linalg.norm(slope)))
    correlation = None
    if len(steps) >= 3 and np.std(steps) > 1e-9 and np.std(slopes) > 1e-9:
        correlation = float(np.corrcoef(steps, slopes)[0, 1])
    traps = {on_dry_hole(landscape, r.x, r.y) for r in results} - {None}
    return Lessons(moves, downhill, correlation, len(traps))


def lesson_texts(lessons: Lessons, arrows: bool = True) -> list[tuple[str, dict[str, Any]]]:
    """The feedback sentences (with their data) a learner reads after the round.

    Without arrows (depth-only play) the advice speaks of the slope the learner had to judge.
    """
    texts = []
    share = lessons.downhill_share
    if share is not None:
        uphill = round(100 * (1 - share))
        if uphill <= 20:
            advice = "Well done: you followed the slope."
        elif arrows:
            advice = "The arrow points downhill: step along it, not against it."
        else:
            advice = "Compare the depths of nearby probes and move towards the deeper one."
        texts.append(
            (
                f"You moved uphill {uphill}% of the time ({lessons.moves - lessons.downhill} of "
                f"{lessons.moves} move{'' if lessons.moves == 1 else 's'}). {advice}",
                {"downhill_share": round(share, 3), "moves": lessons.moves},
            )
        )
    r = lessons.step_slope_correlation
    if r is not None and arrows:
        if r > 0.3:
            text = (
                "Your steps were longer where the arrows were longer: that is gradient descent, "
                "a step of γ times the arrow. Long arrows mean the floor is steep; they do not "
                "say the bottom is far (a narrow well is steepest close to its bottom), so when "
                "an arrow flips direction after a step, you overshot: take a shorter one."
            )
        else:
            text = (
                "Your step lengths did not follow the arrow lengths. Gradient descent steps by "
                "γ times the arrow: long arrows mean the floor is steep, short ones that it is "
                "nearly flat, near a bottom or far out on the open floor. When an arrow flips "
                "direction after a step, you overshot: take a shorter one."
            )
        texts.append((text, {"step_slope_correlation": round(r, 3)}))
    if lessons.traps_hit:
        holes = "dry hole" if lessons.traps_hit == 1 else "dry holes"
        sign = "every arrow around you points into" if arrows else "the floor rises all around"
        texts.append(
            (
                f"You hit {lessons.traps_hit} {holes}: a local minimum that is not the deepest "
                f"point. When {sign} a hole that is not the bottom, restart somewhere far away.",
                {"traps_hit": lessons.traps_hit},
            )
        )
    return texts
