"""m5-sandpit-strategy's hidden landscapes teach the course's lab: pure Newton heads uphill from
the starts (negative curvature), a fixed -γJ overshoots narrow wells and crawls in wide ones, and
Newton with a descent fallback where H is not positive definite passes."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from grader.sandbox import Outcome

FOLDER = Path(__file__).resolve().parent.parent / "exercises/m5-optimisation/m5-sandpit-strategy"


def load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TESTS = load("sandpit_strategy_tests", FOLDER / "tests.py")
REFERENCE = load("sandpit_strategy_reference", FOLDER / "solutions/reference.py")


class Session:
    """Calls the strategy in this process (the sandbox is not what is tested here)."""

    def __init__(self, strategy):
        self.strategy = strategy

    def call(self, *args):
        return Outcome("value", self.strategy(*args))


def pure_newton(f, J, H):
    return -np.linalg.solve(H, J)


def starter(f, J, H):
    return -0.2 * J


def hidden_scores(strategy) -> list[float]:
    scores = []
    for seed in range(6):
        test = TESTS.cases({}, np.random.default_rng(seed))[1]
        scores.append(test.drive(Session(strategy)).score)
    return scores


def test_every_start_is_where_the_floor_curves_downwards():
    rng = np.random.default_rng(0)
    for _ in range(20):
        land = TESTS.Landscape(rng)
        start = land.start(rng)
        assert np.linalg.eigvalsh(land.evaluate(start)[2])[0] < 0
        assert len(land.wells) >= 2


@pytest.mark.parametrize("strategy", [pure_newton, starter], ids=["pure Newton", "starter"])
def test_pure_newton_and_the_starter_fail_the_hidden_landscapes(strategy):
    assert max(hidden_scores(strategy)) < 1.0


def test_newton_with_a_descent_fallback_passes():
    assert min(hidden_scores(REFERENCE.next_step)) == 1.0
