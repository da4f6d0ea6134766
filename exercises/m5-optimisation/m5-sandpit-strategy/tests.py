"""Tests for m5-sandpit-strategy: step-driven sessions. The landscape stays here; the learner's
`next_step` sees only f, J and H at the current point, one call at a time, within a budget.

Each landscape is a gentle bowl with several Gaussian wells of different depth and width. Every
start lies on the slope of the deepest well, outside its inflection ring, where the floor curves
downwards (H has a negative eigenvalue): a pure Newton step -H⁻¹J heads uphill there, as in the
course's lab. Narrow deep wells overshoot a fixed -γJ step and wide shallow ones make it crawl, so
no single γ passes either: the strategy must use H where it is positive definite and fall back to a
controlled descent step where it is not.
"""

import numpy as np

from grader.answers.code_cases import SessionScore, SessionTest, call_value

STEPS, RADIUS, PASS_RATE = 12, 0.15, 0.8
SIZE = 6.0
# The deepest well's (depth, width) ranges: narrow and deep (a fixed -γJ overshoots), medium,
# wide and shallow (a fixed -γJ crawls).
PROFILES = (((3.5, 5.0), (0.28, 0.35)), ((2.5, 4.0), (0.8, 1.1)), ((1.6, 2.2), (1.6, 2.0)))


class Landscape:
    """A bowl around (3, 3) with a deepest well and one or two shallower ones, far from it."""

    def __init__(self, rng):
        self.wells = []  # (centre, depth, width)
        centre = rng.uniform(2.0, 4.0, 2)
        depths, widths = PROFILES[rng.integers(len(PROFILES))]
        self.wells.append((centre, rng.uniform(*depths), rng.uniform(*widths)))
        count = 1 + rng.integers(1, 3)
        while len(self.wells) < count:
            other = rng.uniform(0.6, 5.4, 2)
            if np.linalg.norm(other - centre) > 3.0:
                self.wells.append((other, rng.uniform(0.6, 1.2), rng.uniform(0.4, 0.8)))
        self.bottom = self.find_bottom()

    def evaluate(self, x):
        f = 0.03 * (x - 3) @ (x - 3)
        J = 0.06 * (x - 3)
        H = 0.06 * np.eye(2)
        for centre, depth, width in self.wells:
            d = x - centre
            well = depth * np.exp(-d @ d / (2 * width**2))
            f = f - well
            J = J + well * d / width**2
            H = H + well * (np.eye(2) / width**2 - np.outer(d, d) / width**4)
        return f, J, H

    def find_bottom(self):
        x = self.wells[0][0].copy()
        for _ in range(50):
            _, J, H = self.evaluate(x)
            x = x - np.linalg.solve(H, J)
        return x

    def start(self, rng):
        """A point on the deepest well's slope where the floor curves downwards."""
        centre, _, width = self.wells[0]
        while True:
            angle = rng.uniform(0, 2 * np.pi)
            x = centre + rng.uniform(1.25, 1.7) * width * np.array([np.cos(angle), np.sin(angle)])
            if (
                np.all((x > 0.2) & (x < SIZE - 0.2))
                and np.linalg.eigvalsh(self.evaluate(x)[2])[0] < 0
            ):
                return x


def trial(session, landscape, start):
    """True when the strategy reaches the deepest point from `start` within STEPS steps."""
    x = start.copy()
    for _ in range(STEPS):
        f, J, H = landscape.evaluate(x)
        step = call_value(session.call(float(f), J, H))
        if not isinstance(step, np.ndarray) or step.shape != (2,) or not np.all(np.isfinite(step)):
            return False
        x = x + step
        if not np.all((x >= 0) & (x <= SIZE)):
            return False
        if np.linalg.norm(x - landscape.bottom) < RADIUS:
            return True
    return False


def strategy_test(name, rng, landscapes, starts, visible):
    plans = []
    for _ in range(landscapes):
        land = Landscape(rng)
        plans += [(land, land.start(rng)) for _ in range(starts)]

    def drive(session):
        successes = sum(trial(session, land, start) for land, start in plans)
        rate = successes / len(plans)
        text = f"reached the deepest point {successes} times out of {len(plans)} ({rate:.0%}; pass {PASS_RATE:.0%})"
        return SessionScore(
            min(1.0, rate / PASS_RATE),
            text,
            {"successes": successes, "trials": len(plans)},
        )

    return SessionTest(name, drive, budget=len(plans) * STEPS, visible=visible)


def cases(params, rng):
    return [
        strategy_test("four landscapes", rng, 4, 2, visible=True),
        strategy_test("twelve landscapes", rng, 12, 3, visible=False),
    ]
