"""Tests for m5-sandpit-strategy: step-driven sessions. The landscape stays here; the learner's
`next_step` sees only f, J and H at the current point, one call at a time, within a budget."""

import numpy as np

from grader.answers.code_cases import SessionScore, SessionTest, call_value

STEPS, RADIUS, PASS_RATE = 8, 0.15, 0.8


class Landscape:
    """A gentle bowl around (3, 3) with one Gaussian well: f, J and H in closed form."""

    def __init__(self, rng):
        self.centre = rng.uniform(2.0, 4.0, 2)
        self.depth = rng.uniform(2.0, 4.0)
        self.width = rng.uniform(0.8, 1.2)
        self.bottom = self.find_bottom()

    def evaluate(self, x):
        d = x - self.centre
        well = self.depth * np.exp(-d @ d / (2 * self.width**2))
        f = 0.03 * (x - 3) @ (x - 3) - well
        J = 0.06 * (x - 3) + well * d / self.width**2
        H = 0.06 * np.eye(2) + well * (np.eye(2) / self.width**2 - np.outer(d, d) / self.width**4)
        return f, J, H

    def find_bottom(self):
        x = self.centre.copy()
        for _ in range(50):
            _, J, H = self.evaluate(x)
            x = x - np.linalg.solve(H, J)
        return x


def trial(session, landscape, start):
    """True when the strategy reaches the bottom from `start` within STEPS steps."""
    x = start.copy()
    for _ in range(STEPS):
        f, J, H = landscape.evaluate(x)
        step = call_value(session.call(float(f), J, H))
        if not isinstance(step, np.ndarray) or step.shape != (2,) or not np.all(np.isfinite(step)):
            return False
        x = x + step
        if not np.all((x >= 0) & (x <= 6)):
            return False
        if np.linalg.norm(x - landscape.bottom) < RADIUS:
            return True
    return False


def strategy_test(name, rng, landscapes, starts, visible):
    cases = [(Landscape(rng), rng.uniform(-0.6, 0.6, 2)) for _ in range(landscapes)]
    plans = [(land, land.centre + offset) for land, offset in cases for _ in range(starts)]

    def drive(session):
        successes = sum(trial(session, land, start) for land, start in plans)
        rate = successes / len(plans)
        text = f"reached the bottom {successes} times out of {len(plans)} ({rate:.0%}; pass {PASS_RATE:.0%})"
        return SessionScore(
            min(1.0, rate / PASS_RATE), text, {"successes": successes, "trials": len(plans)}
        )

    return SessionTest(name, drive, budget=len(plans) * STEPS, visible=visible)


def cases(params, rng):
    return [
        strategy_test("two landscapes", rng, 2, 2, visible=True),
        strategy_test("eight landscapes", rng, 8, 3, visible=False),
    ]
