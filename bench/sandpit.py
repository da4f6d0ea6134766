"""The Sandpit engine: generation speed, accuracy of the global minimiser, strategy calibration.

1. Drawing a landscape with its global minimiser and every local minimum (cold cache), against
   scipy's differential evolution finding the global minimum of the same landscape (the original
   sandpit's method). Target: ratio (DE time / ours) ≥ 1 with the same minimiser; ours < 0.5 s.
2. A cached draw against a cold one (the per-process LRU cache).
3. Success rates of the §8.3 strategies (10 clicks × 5 steps per landscape), for re-calibrating
   the m5-sandpit-strategy thresholds whenever the landscape family changes.

Run: python bench/sandpit.py
"""

import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import differential_evolution

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.sandpit import SCENARIOS, draw_landscape, evaluate_strategy

SEEDS = range(1000, 1012)


def timed(run, *args, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    value = run(*args, **kwargs)
    return time.perf_counter() - start, value


def bench_generation() -> None:
    print(
        f"{'scenario':<12} {'ours (s)':>9} {'worst (s)':>9} {'DE (s)':>8} {'DE/ours':>8} {'|Δx*| (m)':>10}"
    )
    for scenario in SCENARIOS:
        ours, de, gaps = [], [], []
        for seed in SEEDS:
            draw_landscape.cache_clear()
            seconds, landscape = timed(draw_landscape, seed, scenario)
            ours.append(seconds)
            seconds, result = timed(
                differential_evolution,
                landscape.depth_at,
                [(0, 6), (0, 6)],
                seed=0,
                tol=1e-10,
                polish=True,
            )
            de.append(seconds)
            gaps.append(float(np.hypot(*(result.x - np.array(landscape.minimiser)))))
        mean_ours, mean_de = np.mean(ours), np.mean(de)
        print(
            f"{scenario:<12} {mean_ours:9.3f} {max(ours):9.3f} {mean_de:8.3f} "
            f"{mean_de / mean_ours:8.1f} {np.median(gaps):10.1e}"
        )
    print("(|Δx*|: median distance between the two minimisers; DE can stop in a lesser basin)")


def bench_cache() -> None:
    draw_landscape.cache_clear()
    cold, _ = timed(draw_landscape, 7, "rocky")
    warm = min(timed(draw_landscape, 7, "rocky")[0] for _ in range(100))
    print(
        f"cached draw: {warm * 1e6:.1f} µs against {cold * 1e3:.1f} ms cold: ratio {cold / warm:,.0f}"
    )


def hybrid(f, J, H):
    """Newton unless the step points uphill or is longer than 2, then −0.2 J."""
    try:
        step = -np.linalg.solve(H, J)
    except np.linalg.LinAlgError:
        return -0.2 * J
    return -0.2 * J if step @ J > 0 or np.linalg.norm(step) > 2 else step


def bench_strategies(count: int = 100) -> None:
    landscapes = [draw_landscape(seed, "basic") for seed in range(count)]
    strategies = {
        "fixed step right": lambda f, J, H: np.array([1.0, 0.0]),
        "-0.05 J": lambda f, J, H: -0.05 * J,
        "-0.2 J": lambda f, J, H: -0.2 * J,
        "-0.5 J": lambda f, J, H: -0.5 * J,
        "Newton -H⁻¹J": lambda f, J, H: -np.linalg.solve(H, J),
        "hybrid": hybrid,
    }
    print(f"\n{'strategy':<18} {'success':>8} {'clicks':>7}  failures")
    for name, step in strategies.items():
        report = evaluate_strategy(step, landscapes)
        clicks = f"{report.mean_clicks:.1f}" if report.mean_clicks else "-"
        causes = ", ".join(f"{k} {v}" for k, v in sorted(report.causes.items()))
        print(f"{name:<18} {report.success_rate:8.0%} {clicks:>7}  {causes}")
    print(f"({count} basic landscapes; syllabus §8.3 measured 9/34/89/50/49/96%)")


if __name__ == "__main__":
    bench_generation()
    bench_cache()
    bench_strategies()
