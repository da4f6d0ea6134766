"""One tanh neuron with one input, a = tanh(w x + b), trained by steepest descent on
C = Σᵢ (aᵢ − yᵢ)² over the training pairs (xᵢ, yᵢ): the course's NOT-gate neuron.

∂C/∂w = Σ 2(a − y)(1 − a²) x and ∂C/∂b = Σ 2(a − y)(1 − a²); a step is w ← w − rate ∂C/∂w,
b ← b − rate ∂C/∂b, both from the same (w, b).

Slips (rule name → what it distorts), for the mistakes a grader names:
- `missing-slope`: tanh′ left out (∂C/∂z taken as 2(a − y)).
- `slope-at-z`: tanh′ written as 1 − z² instead of 1 − tanh²z.
- `ascent`: w ← w + rate ∂C/∂w (climbs the cost).
- `missing-factor-two`: ∂C/∂a taken as (a − y).
- `bias-times-input`: ∂C/∂b computed like ∂C/∂w, with the factor x.
"""

from __future__ import annotations

import numpy as np

SLIPS = ("missing-slope", "slope-at-z", "ascent", "missing-factor-two", "bias-times-input")


def train(
    w: float,
    b: float,
    x: np.ndarray,
    y: np.ndarray,
    rate: float,
    steps: int,
    slip: str | None = None,
) -> tuple[float, float]:
    """(w, b) after `steps` steps of steepest descent, with the named slip if any."""
    if slip is not None and slip not in SLIPS:
        raise ValueError(f"unknown slip {slip!r}")
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):  # a slip may run away to inf or nan
        return _descend(w, b, x, y, rate, steps, slip)


def _descend(
    w: float, b: float, x: np.ndarray, y: np.ndarray, rate: float, steps: int, slip: str | None
) -> tuple[float, float]:
    for _ in range(steps):
        z = w * x + b
        a = np.tanh(z)
        slope = {"missing-slope": 1.0, "slope-at-z": 1 - z**2}.get(slip, 1 - a**2)
        delta = (1 if slip == "missing-factor-two" else 2) * (a - y) * slope
        grad_w = float(np.sum(delta * x))
        grad_b = grad_w if slip == "bias-times-input" else float(np.sum(delta))
        sign = 1 if slip == "ascent" else -1
        w, b = w + sign * rate * grad_w, b + sign * rate * grad_b
    return float(w), float(b)


def output(w: float, b: float, x: np.ndarray) -> np.ndarray:
    """The neuron's activation tanh(w x + b) at each input."""
    return np.tanh(w * np.asarray(x, dtype=float) + b)
