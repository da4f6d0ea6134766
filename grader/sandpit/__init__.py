"""The Sandpit: hidden landscapes, probe-by-probe play, scoring and strategy simulation.

Plain Python (no Django): the web side asks it what a probe shows; the grader replays probes.
"""

from grader.sandpit.game import (
    MAX_PROBES,
    PAR,
    ProbeResult,
    Status,
    draw_lessons,
    lesson_texts,
    probe,
    replay,
    score,
)
from grader.sandpit.landscape import SCENARIOS, Landscape, depth_grid, draw_landscape
from grader.sandpit.strategy import (
    StrategyReport,
    StrategyRun,
    draw_clicks,
    evaluate_strategy,
    simulate_strategy,
)

__all__ = [
    "MAX_PROBES",
    "PAR",
    "SCENARIOS",
    "Landscape",
    "ProbeResult",
    "Status",
    "StrategyReport",
    "StrategyRun",
    "depth_grid",
    "draw_clicks",
    "draw_landscape",
    "draw_lessons",
    "evaluate_strategy",
    "lesson_texts",
    "probe",
    "replay",
    "score",
    "simulate_strategy",
]
