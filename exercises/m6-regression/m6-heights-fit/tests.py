"""Tests for m6-heights-fit: the Gaussian's partials and one steepest-descent step on χ², through
the provided `assignment(name, *args)`; a histogram of synthetic heights is drawn per learner.
Expected values and the slips come from grader.reference.regression."""

import numpy as np
from scipy.optimize import least_squares

from grader import figures
from grader.answers.code_cases import Case, Check, Mistake, SessionScore, SessionTest, call_value
from grader.reference import regression as ref

BIN = 2.5
CENTRES = np.arange(100 + BIN / 2, 250, BIN)  # 60 bins over 100–250 cm


def heights(rng):
    """A normalised histogram (Σ y · 2.5 = 1) of a two-component normal mixture of heights."""
    n = int(rng.integers(1000, 5001))
    share = rng.uniform(0.3, 0.7)
    first = rng.random(n) < share
    mu = np.where(first, rng.uniform(160, 168), rng.uniform(172, 182))
    sig = np.where(first, rng.uniform(5.5, 8), rng.uniform(5.5, 8))
    counts, _ = np.histogram(rng.normal(mu, sig), bins=np.arange(100, 250 + BIN, BIN))
    return CENTRES.copy(), counts / (counts.sum() * BIN)


def data_figure(params):
    """The learner's histogram, under the prompt."""
    x, y = heights(np.random.default_rng(int(params["seed"])))
    return figures.figure(
        "Your histogram of heights: density per 2.5 cm bin",
        [figures.series("heights", x, y, "bars")],
        x_label="height (cm)",
        y_label="density",
        y_range=figures.span(np.append(y, 0.0), 0.05),
    )


def chi2_surface(x, y, mus, sigs):
    """χ²(μ, σ) on a grid: rows over σ, columns over μ."""
    f = ref.gaussian(x[None, None, :], mus[None, :, None], sigs[:, None, None])
    return ((y - f) ** 2).sum(axis=-1)


def descent_figures(x, y, path, best):
    """The learner's steps over the contours of χ² with the optimum, and their last fit."""
    path = np.array(path)
    mu_range = figures.span([path[0, 0], best[0]], 0.25)
    sig_range = figures.span([path[0, 1], best[1]], 0.25)
    mus, sigs = np.linspace(*mu_range, 33), np.linspace(*sig_range, 33)
    surface = chi2_surface(x, y, mus, sigs)
    low = chi2_surface(x, y, best[:1], best[1:])[0, 0]
    high = chi2_surface(x, y, path[:1, 0], path[:1, 1])[0, 0]
    levels = low + np.geomspace(0.01, 1.5, 8) * (high - low)
    steps = len(path) - 1
    descent = figures.figure(
        f"Your {steps} steepest-descent steps on the contours of χ²(μ, σ), "
        "from the start to the best fit (marked ×)",
        [
            figures.series("your steps", path[:, 0], path[:, 1], "path"),
            figures.series("best fit", [best[0]], [best[1]], "marker"),
        ],
        x_label="μ (cm)",
        y_label="σ (cm)",
        x_range=mu_range,
        y_range=sig_range,
        contours=figures.contours(mus, sigs, surface, levels),
    )
    fit = figures.fit_figure(
        f"The normal density at your μ, σ after {steps} steps, against the best fit",
        x,
        y,
        ref.gaussian,
        path[-1],
        best,
        data_style="bars",
        x_label="height (cm)",
        y_label="density",
    )
    return [descent, fit]


def partial_audit(name, x, mu, sig):
    """The partial agrees with central differences of the density in μ or σ (h = 1e-6)."""
    h = 1e-6
    if name == "dfdmu":
        estimate = (ref.gaussian(x, mu + h, sig) - ref.gaussian(x, mu - h, sig)) / (2 * h)
    else:
        estimate = (ref.gaussian(x, mu, sig + h) - ref.gaussian(x, mu, sig - h)) / (2 * h)

    def passes(actual, args):
        actual = np.asarray(actual, dtype=float)
        scale = np.linalg.norm(estimate) + 1e-15
        return actual.shape == x.shape and np.linalg.norm(actual - estimate) <= 1e-5 * scale

    return Check("finite differences", passes, f"{name} disagrees with a finite-difference slope.")


def partial_case(name, x, mu, sig, visible):
    if name == "dfdmu":
        expected = ref.d_gaussian_dmu(x, mu, sig)
        mistakes = [
            Mistake(
                ref.d_gaussian_dmu_flipped(x, mu, sig),
                "Check the sign: ∂f/∂μ = f·(x − μ)/σ², not f·(μ − x)/σ².",
                "gaussian-dmu-flipped",
            )
        ]
    else:
        expected = ref.d_gaussian_dsig(x, mu, sig)
        mistakes = [
            Mistake(
                ref.d_gaussian_dsig_without_prefactor_term(x, mu, sig),
                "The prefactor 1/σ depends on σ too: ∂f/∂σ has a −f/σ term.",
                "gaussian-dsig-no-prefactor-term",
            )
        ]
    return Case(
        args=(name, x, mu, sig),
        expected=expected,
        name=f"{name} at μ = {mu:.4g}, σ = {sig:.4g}",
        visible=visible,
        rtol=1e-8,
        atol=1e-15,
        mistakes=mistakes,
        checks=[partial_audit(name, x, mu, sig)],
        not_mutated=True,
    )


def step_case(x, y, mu, sig, aggression, visible):
    model, grads = ref.gaussian, [ref.d_gaussian_dmu, ref.d_gaussian_dsig]
    p = [mu, sig]
    slips = [
        (
            -aggression * ref.chi2_gradient_plus(model, grads, p, x, y),
            "That step climbs χ²: move against the gradient, −aggression·∇χ².",
            "ascent",
        ),
        (
            -aggression * ref.chi2_gradient_without_two(model, grads, p, x, y),
            "∂χ²/∂p = −2 Σ (y − f) ∂f/∂p: the factor 2 is missing.",
            "chi2-gradient-no-two",
        ),
        (
            -aggression * ref.chi2_gradient_unsummed(model, grads, p, x, y),
            "The components of ∇χ² are dot products over all bins: sum over the bins.",
            "chi2-gradient-unsummed",
        ),
    ]
    return Case(
        args=("steepest_step", x, y, mu, sig, aggression),
        expected=ref.steepest_step(model, grads, p, x, y, aggression),
        name=f"steepest_step from μ = {mu:.4g}, σ = {sig:.4g}",
        visible=visible,
        rtol=1e-8,
        atol=1e-12,
        weight=2.0,
        mistakes=[Mistake(value, text, rule) for value, text, rule in slips],
        not_mutated=True,
    )


def fit_session(x, y, rng, steps=200, aggression=2000.0):
    """200 of the learner's steps from a start 8–15 cm off in μ and σ × [0.7, 1.5] must end within
    1e-3 of the least-squares optimum."""
    best = least_squares(lambda p: ref.gaussian(x, *p) - y, [170, 10], xtol=1e-14, ftol=1e-14).x
    start = np.array(
        [best[0] + rng.choice([-1, 1]) * rng.uniform(8, 15), best[1] * rng.uniform(0.7, 1.5)]
    )

    def drive(session):
        path = [start.copy()]
        for _ in range(steps):
            p = path[-1]
            step = call_value(
                session.call("steepest_step", x, y, float(p[0]), float(p[1]), aggression)
            )
            if (
                not isinstance(step, np.ndarray)
                or step.shape != (2,)
                or not np.all(np.isfinite(step))
            ):
                text = "steepest_step must return a finite array of shape (2,)."
                return SessionScore(0.0, text, figures=descent_figures(x, y, path, best))
            path.append(p + step)
        p = path[-1]
        error = float(np.abs(p - best).max())
        where = f"μ = {p[0]:.4f}, σ = {p[1]:.4f} after {steps} steps"
        drawn = descent_figures(x, y, path, best)
        if error < 1e-3:
            return SessionScore(1.0, f"reached the best fit: {where}", figures=drawn)
        text = f"{where}; the best fit is μ = {best[0]:.4f}, σ = {best[1]:.4f}"
        return SessionScore(0.0, text, figures=drawn)

    return SessionTest(
        f"a fit of {steps} steps from μ = {start[0]:.1f}, σ = {start[1]:.1f}",
        drive,
        budget=steps,
        weight=3.0,
    )


def cases(params, rng):
    x, y = heights(np.random.default_rng(int(params["seed"])))
    found = []
    for index in range(4):
        mu, sig = float(rng.uniform(140, 200)), float(rng.uniform(3, 20))
        points = x if index == 0 else rng.uniform(100, 250, 50)
        found += [partial_case(name, points, mu, sig, index == 0) for name in ("dfdmu", "dfdsig")]
    for index in range(5):
        mu, sig = float(rng.uniform(150, 185)), float(rng.uniform(4, 15))
        found.append(step_case(x, y, mu, sig, 2000.0, index == 0))
    found.append(fit_session(x, y, rng))
    return found
