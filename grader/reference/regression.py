"""Fitting models to data: straight lines, least squares, chi-squared and steepest-descent fits.

Notation: data (x_i, y_i) for i = 1..n, a model f(x; p) with parameters p = (p_1, …, p_k),
χ² = Σ ((y_i − f(x_i))/σ_i)², its gradient ∂χ²/∂p_k = −2 Σ (y_i − f(x_i)) ∂f/∂p_k (unweighted, as
in the heights fit), and the steepest-descent step p ← p − aggression·∇χ².

Mistake generators (rule name → what it distorts), collected in `MISTAKES`:
- `linfit-through-origin`: m = Σxy/Σx², c = 0 (uncentred sums force the line through the origin).
- `linfit-x-on-y`: x regressed on y, m = Σ(x−x̄)(y−ȳ)/Σ(y−ȳ)², c = x̄ − m ȳ.
- `linfit-intercept-without-x`: c = ȳ − m instead of ȳ − m x̄.
- `least-squares-no-intercept`: θ without the column of ones.
- `chi2-unsquared`: Σ (y − f)/σ.
- `chi2-unweighted`: Σ (y − f)², the σ_i ignored.
- `chi2-mean`: the mean instead of the sum.
- `gaussian-dsig-no-prefactor-term`: ∂f/∂σ = f(x − μ)²/σ³, the −f/σ from the prefactor missing.
- `gaussian-dmu-flipped`: ∂f/∂μ = f(μ − x)/σ².
- `chi2-gradient-plus`: +2 Σ (y − f) ∂f/∂p.
- `chi2-gradient-no-two`: −Σ (y − f) ∂f/∂p.
- `chi2-gradient-unsummed`: −2 (y − f) ∂f/∂p per data point, shape (k, n), not summed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from scipy.linalg import solve_triangular

Model = Callable[..., np.ndarray]


def linfit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(m, c) of the least-squares line y = mx + c: m = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)², c = ȳ − m x̄."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    dx, dy = x - x.mean(), y - y.mean()
    spread = np.sum(dx * dx)
    if spread == 0:
        raise ValueError("all x are equal: the slope is undefined")
    m = np.sum(dx * dy) / spread
    return float(m), float(y.mean() - m * x.mean())


def least_squares(X: np.ndarray, y: np.ndarray, intercept: bool = False) -> np.ndarray:
    """θ minimising ‖Xθ − y‖², the solution of XᵀXθ = Xᵀy, found by QR (X = QR, Rθ = Qᵀy).

    QR avoids forming XᵀX, whose condition number is the square of X's. With intercept=True a
    column of ones is put first, so θ[0] is the intercept.
    """
    X = np.asarray(X, dtype=float)
    X = X[:, None] if X.ndim == 1 else X
    if intercept:
        X = np.column_stack([np.ones(X.shape[0]), X])
    if X.shape[0] < X.shape[1]:
        raise ValueError(f"{X.shape[0]} rows cannot determine {X.shape[1]} parameters")
    Q, R = np.linalg.qr(X)
    diagonal = np.abs(np.diag(R))
    if diagonal.min() <= np.finfo(float).eps * max(X.shape) * diagonal.max():
        raise ValueError("the columns of X are linearly dependent: θ is not unique")
    solution: np.ndarray = solve_triangular(R, Q.T @ np.asarray(y, dtype=float))
    return solution


def chi2(
    f: Model, params: Sequence[float], x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None = None
) -> float:
    """χ² = Σ ((y_i − f(x_i; p))/σ_i)² (σ_i = 1 when sigma is None)."""
    residuals = _residuals(f, params, x, y) / (
        1.0 if sigma is None else np.asarray(sigma, dtype=float)
    )
    return float(np.sum(residuals**2))


def _residuals(f: Model, params: Sequence[float], x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """y_i − f(x_i; p)."""
    return np.asarray(y, dtype=float) - f(np.asarray(x, dtype=float), *params)


def gaussian(x: np.ndarray, mu: float, sig: float) -> np.ndarray:
    """f(x; μ, σ) = exp(−(x − μ)²/2σ²) / (σ√(2π)), the normal density."""
    return np.exp(-((x - mu) ** 2) / (2 * sig**2)) / (sig * math.sqrt(2 * math.pi))


def d_gaussian_dmu(x: np.ndarray, mu: float, sig: float) -> np.ndarray:
    """∂f/∂μ = f · (x − μ)/σ²."""
    return gaussian(x, mu, sig) * (x - mu) / sig**2


def d_gaussian_dsig(x: np.ndarray, mu: float, sig: float) -> np.ndarray:
    """∂f/∂σ = f · ((x − μ)²/σ³ − 1/σ); the −1/σ comes from the prefactor 1/σ."""
    return gaussian(x, mu, sig) * ((x - mu) ** 2 / sig**3 - 1 / sig)


def chi2_gradient(
    f: Model, grads: Sequence[Model], params: Sequence[float], x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """∇χ² with components ∂χ²/∂p_k = −2 Σ_i (y_i − f(x_i)) ∂f/∂p_k(x_i), shape (k,)."""
    gradient: np.ndarray = -2 * _weighted_partials(f, grads, params, x, y).sum(axis=1)
    return gradient


def _weighted_partials(
    f: Model, grads: Sequence[Model], params: Sequence[float], x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """(y_i − f(x_i)) ∂f/∂p_k(x_i) for every parameter k and point i, shape (k, n)."""
    x = np.asarray(x, dtype=float)
    residuals = _residuals(f, params, x, y)
    return np.array([residuals * df(x, *params) for df in grads])


def steepest_step(
    f: Model,
    grads: Sequence[Model],
    params: Sequence[float],
    x: np.ndarray,
    y: np.ndarray,
    aggression: float,
) -> np.ndarray:
    """The move −aggression · ∇χ² from the current parameters."""
    return -aggression * chi2_gradient(f, grads, params, x, y)


def steepest_descent_fit(
    f: Model,
    grads: Sequence[Model],
    x: np.ndarray,
    y: np.ndarray,
    p0: Sequence[float],
    aggression: float,
    n_steps: int,
) -> np.ndarray:
    """The path [p_0, …, p_n] of p ← p − aggression · ∇χ², shape (n_steps + 1, k)."""
    path = np.empty((n_steps + 1, len(p0)))
    path[0] = np.asarray(p0, dtype=float)
    for k in range(n_steps):
        path[k + 1] = path[k] + steepest_step(f, grads, path[k].copy(), x, y, aggression)
    return path


# Mistake generators: each returns the answer a learner who makes that slip would give.


def linfit_through_origin(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(Σxy/Σx², 0): uncentred sums, a line forced through the origin."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return float(np.sum(x * y) / np.sum(x * x)), 0.0


def linfit_x_on_y(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(m, c) of x regressed on y: the roles of x and y swapped."""
    return linfit(y, x)


def linfit_intercept_without_x(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """(m, ȳ − m): the intercept computed without x̄."""
    m, _ = linfit(x, y)
    return m, float(np.mean(y) - m)


def least_squares_without_intercept(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """θ fitted without the column of ones when the model has an intercept."""
    return least_squares(X, y, intercept=False)


def chi2_unsquared(
    f: Model, params: Sequence[float], x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None = None
) -> float:
    """Σ (y_i − f(x_i))/σ_i, the residuals not squared."""
    return float(
        np.sum(_residuals(f, params, x, y) / (1.0 if sigma is None else np.asarray(sigma)))
    )


def chi2_unweighted(
    f: Model, params: Sequence[float], x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None = None
) -> float:
    """Σ (y_i − f(x_i))², the σ_i ignored."""
    return chi2(f, params, x, y)


def chi2_mean(
    f: Model, params: Sequence[float], x: np.ndarray, y: np.ndarray, sigma: np.ndarray | None = None
) -> float:
    """χ²/n, the mean of the squared weighted residuals instead of their sum."""
    return chi2(f, params, x, y, sigma) / np.asarray(x).size


def d_gaussian_dsig_without_prefactor_term(x: np.ndarray, mu: float, sig: float) -> np.ndarray:
    """∂f/∂σ given as f(x − μ)²/σ³, without the −f/σ that the prefactor 1/σ contributes."""
    return gaussian(x, mu, sig) * (x - mu) ** 2 / sig**3


def d_gaussian_dmu_flipped(x: np.ndarray, mu: float, sig: float) -> np.ndarray:
    """∂f/∂μ given as f(μ − x)/σ², the sign of (x − μ) flipped."""
    return -d_gaussian_dmu(x, mu, sig)


def chi2_gradient_plus(
    f: Model, grads: Sequence[Model], params: Sequence[float], x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """+2 Σ (y − f) ∂f/∂p: the minus from differentiating the residual y − f lost."""
    return -chi2_gradient(f, grads, params, x, y)


def chi2_gradient_without_two(
    f: Model, grads: Sequence[Model], params: Sequence[float], x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """−Σ (y − f) ∂f/∂p, the 2 of the square lost."""
    return chi2_gradient(f, grads, params, x, y) / 2


def chi2_gradient_unsummed(
    f: Model, grads: Sequence[Model], params: Sequence[float], x: np.ndarray, y: np.ndarray
) -> np.ndarray:
    """−2 (y_i − f(x_i)) ∂f/∂p_k for each point separately, shape (k, n), not summed."""
    return -2 * _weighted_partials(f, grads, params, x, y)


MISTAKES: dict[str, Callable[..., Any]] = {
    "linfit-through-origin": linfit_through_origin,
    "linfit-x-on-y": linfit_x_on_y,
    "linfit-intercept-without-x": linfit_intercept_without_x,
    "least-squares-no-intercept": least_squares_without_intercept,
    "chi2-unsquared": chi2_unsquared,
    "chi2-unweighted": chi2_unweighted,
    "chi2-mean": chi2_mean,
    "gaussian-dsig-no-prefactor-term": d_gaussian_dsig_without_prefactor_term,
    "gaussian-dmu-flipped": d_gaussian_dmu_flipped,
    "chi2-gradient-plus": chi2_gradient_plus,
    "chi2-gradient-no-two": chi2_gradient_without_two,
    "chi2-gradient-unsummed": chi2_gradient_unsummed,
}
