"""Tests for m6-nonlinear-fit-py: steepest descent on χ² for any model with its partials.

The models live in the learner's module (provided code, called through `fit(model, …)`) and, as
trusted twins, here; the expected path comes from grader.reference.regression, and the end point
is compared with scipy's least-squares optimum.
"""

import numpy as np
from scipy.optimize import least_squares

from grader import figures
from grader.answers.code_cases import Case, Check, Mistake
from grader.reference import regression as ref


def decay(t, A, tau):
    return A * np.exp(-t / tau)


def decay_dA(t, A, tau):
    return np.exp(-t / tau)


def decay_dtau(t, A, tau):
    return A * t / tau**2 * np.exp(-t / tau)


def peak(x, h, mu, w):
    return h * np.exp(-((x - mu) ** 2) / (2 * w**2))


def peak_dh(x, h, mu, w):
    return np.exp(-((x - mu) ** 2) / (2 * w**2))


def peak_dmu(x, h, mu, w):
    return peak(x, h, mu, w) * (x - mu) / w**2


def peak_dw(x, h, mu, w):
    return peak(x, h, mu, w) * (x - mu) ** 2 / w**3


MODELS = {"decay": (decay, [decay_dA, decay_dtau]), "peak": (peak, [peak_dh, peak_dmu, peak_dw])}


def descend(gradient, f, grads, x, y, p0, aggression, n_steps):
    """The path of p ← p − aggression·gradient(f, grads, p, x, y) (for the slips)."""
    path = [np.asarray(p0, dtype=float)]
    with np.errstate(all="ignore"):  # an ascent may overflow; the learner's would too
        for _ in range(n_steps):
            path.append(path[-1] - aggression * gradient(f, grads, path[-1], x, y))
    return np.array(path)


def optimum(f, x, y, p0):
    return least_squares(lambda p: f(x, *p) - y, p0, xtol=1e-14, ftol=1e-14).x


def near_optimum(best):
    def passes(actual, args):
        actual = np.asarray(actual, dtype=float)
        return actual.ndim == 2 and np.abs(actual[-1] - best).max() < 1e-3

    return Check(
        "reaches the optimum",
        passes,
        f"The last row should be within 1e-3 of the least-squares optimum {np.round(best, 4)}.",
    )


def fit_figure(f, x, y, best, n_steps):
    """The model at the last row of the learner's path, over the data, against the optimum."""

    def draw(value):
        path = np.asarray(value, dtype=float)
        return figures.fit_figure(
            f"The model at the end of your {n_steps} steps, against the least-squares optimum",
            x,
            y,
            f,
            path[-1] if path.ndim == 2 else None,
            best,
        )

    return draw


def case(model, x, y, p0, aggression, n_steps, name, visible=False, drawn=False):
    f, grads = MODELS[model]
    args = (f, grads, x, y, p0, aggression, n_steps)
    expected = ref.steepest_descent_fit(*args)
    best = optimum(f, x, y, p0) if n_steps >= 100 else None
    return Case(
        args=(model, x, y, p0, aggression, n_steps),
        expected=expected,
        name=name,
        visible=visible,
        rtol=1e-7,
        atol=1e-9,
        checks=[near_optimum(best)] if best is not None else [],
        mistakes=[
            Mistake(
                descend(ref.chi2_gradient_plus, *args),
                "The path climbs χ²: ∂χ²/∂p = −2 Σ (y − f) ∂f/∂p, and the step goes against it.",
                "ascent",
            ),
            Mistake(
                descend(ref.chi2_gradient_without_two, *args),
                "∂χ²/∂p = −2 Σ (y − f) ∂f/∂p: the factor 2 is missing.",
                "chi2-gradient-no-two",
            ),
            Mistake(expected[1:], "Include p0 as the first row of the path.", "missing-p0"),
        ],
        not_mutated=True,
        figure=fit_figure(f, x, y, best, n_steps) if drawn else None,
    )


def decay_data(rng):
    t = np.linspace(0, 5, 40)
    A, tau = rng.uniform(1, 3), rng.uniform(0.8, 2)
    p0 = np.array([A, tau]) * rng.uniform(0.8, 1.2, 2)
    return t, decay(t, A, tau) + rng.normal(0, 0.02, t.size), p0


def peak_data(rng):
    x = np.linspace(-5, 5, 50)
    h, mu, w = rng.uniform(1, 3), rng.uniform(-1, 1), rng.uniform(0.8, 1.5)
    p0 = np.array([h, mu, w]) + rng.uniform(-0.2, 0.2, 3)
    return x, peak(x, h, mu, w) + rng.normal(0, 0.02, x.size), p0


def cases(params, rng):
    t = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([2.0, 1.2, 0.75, 0.45])
    shown = np.linspace(0, 5, 20)
    shown_y = decay(shown, 2.2, 1.3) + 0.03 * np.sin(3 * shown)  # fixed data: the drawn example
    return [
        case("decay", t, y, np.array([1.8, 1.5]), 0.05, 3, "decay, 3 steps", visible=True),
        case(
            "decay",
            shown,
            shown_y,
            np.array([1.9, 1.1]),
            0.02,
            400,
            "decay, 400 steps",
            visible=True,
            drawn=True,
        ),
        case("decay", *decay_data(rng), 0.02, 400, "exponential decay, 400 steps"),
        case("peak", *peak_data(rng), 0.004, 1500, "Gaussian peak, 1500 steps"),
    ]
