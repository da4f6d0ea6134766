"""Root finding and optimisation: Newton–Raphson, gradient descent, Newton steps, Lagrange multipliers.

Notation: f is the objective (or the function whose root is wanted), ∇f its gradient, H its Hessian,
γ the step size, λ the Lagrange multiplier with the convention ∇f = λ∇g on the constraint g = 0
(the Lagrangian L = f − λg).

Mistake generators (rule name → what it distorts), collected in `MISTAKES`:
- `newton-plus`: Newton–Raphson iterates x ← x + f/f′ (wrong sign).
- `newton-inverted`: x ← x − f′/f.
- `newton-optimisation-form`: x ← x − f′/f″ (the optimisation step used for root finding).
- `gradient-ascent`: x ← x + γ∇f.
- `newton-step-without-inverse`: −H∇f instead of −H⁻¹∇f.
- `newton-step-elementwise`: −∇f / diag(H) instead of solving the linear system.
- `stable-step-one-over`: 1/λ_max as the largest stable step (instead of 2/λ_max).
- `stable-step-smallest`: 2/λ_min as the largest stable step.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from grader.reference.calculus import real_solutions

ZERO_DERIVATIVE = "zero derivative"
CYCLE = "cycle"
DIVERGENCE = "divergence"
ITERATION_LIMIT = "iteration limit"


class ConvergenceError(ValueError):
    """Newton–Raphson found no root; `reason` is one of ZERO_DERIVATIVE, CYCLE, DIVERGENCE, ITERATION_LIMIT."""

    def __init__(self, reason: str, x: float, iterations: int):
        super().__init__(
            f"Newton–Raphson stopped ({reason}) at x = {x!r} after {iterations} iterations"
        )
        self.reason = reason
        self.x = float(x)
        self.iterations = iterations


def newton_raphson(
    f: Callable[[float], float],
    df: Callable[[float], float],
    x0: float,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> tuple[float, int]:
    """(root, iterations) from x_{n+1} = x_n − f(x_n)/f′(x_n), stopping when |step| ≤ tol·max(1, |x|)."""
    x = float(x0)
    visited = [x]
    bound = 1e12 * max(1.0, abs(x))
    for n in range(max_iter):
        fx, dfx = f(x), df(x)
        if fx == 0:
            return x, n
        if dfx == 0:
            raise ConvergenceError(ZERO_DERIVATIVE, x, n)
        x_next = x - fx / dfx
        if not math.isfinite(x_next) or abs(x_next) > bound:
            raise ConvergenceError(DIVERGENCE, x_next, n + 1)
        close = tol * max(1.0, abs(x_next))
        if abs(x_next - x) <= close:
            return x_next, n + 1
        # Back at an earlier iterate without converging: the iteration repeats itself for ever.
        if any(abs(x_next - earlier) <= close for earlier in visited[:-1]):
            raise ConvergenceError(CYCLE, x_next, n + 1)
        visited.append(x_next)
        x = x_next
    raise ConvergenceError(ITERATION_LIMIT, x, max_iter)


def newton_iterates(
    f: Callable[[float], float], df: Callable[[float], float], x0: float, n: int
) -> list[float]:
    """[x_1, …, x_n], the first n Newton–Raphson iterates x_{k+1} = x_k − f(x_k)/f′(x_k)."""
    return _iterate(lambda x: x - f(x) / df(x), x0, n)


def _iterate(update: Callable[[float], float], x0: float, n: int) -> list[float]:
    """[x_1, …, x_n] with x_{k+1} = update(x_k)."""
    xs, x = [], float(x0)
    for _ in range(n):
        x = update(x)
        xs.append(x)
    return xs


def gradient_descent(
    grad: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, gamma: float, n_steps: int
) -> np.ndarray:
    """The path [x_0, …, x_n] of x_{k+1} = x_k − γ∇f(x_k), shape (n_steps + 1, d)."""
    return _descend(grad, x0, -gamma, n_steps)


def _descend(
    grad: Callable[[np.ndarray], Any], x0: np.ndarray, signed_gamma: float, n_steps: int
) -> np.ndarray:
    """The path of x_{k+1} = x_k + signed_gamma·∇f(x_k)."""
    x0 = np.asarray(x0, dtype=float)
    path = np.empty((n_steps + 1, x0.size))
    path[0] = x0.ravel()
    for k in range(n_steps):
        path[k + 1] = path[k] + signed_gamma * np.asarray(grad(path[k].copy()), dtype=float).ravel()
    return path


def newton_step(
    grad: Callable[[np.ndarray], np.ndarray],
    hess: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
) -> np.ndarray:
    """The Newton step −H(x)⁻¹∇f(x) (the move, not the new point), by solving HΔ = −∇f."""
    x = np.asarray(x, dtype=float)
    return np.linalg.solve(
        np.asarray(hess(x.copy()), dtype=float), -np.asarray(grad(x.copy()), dtype=float)
    )


def largest_stable_step(eigenvalues: Sequence[float]) -> float:
    """2/λ_max: gradient descent on a quadratic with these Hessian eigenvalues converges for γ below it."""
    return 2.0 / max(eigenvalues)


def best_fixed_step(eigenvalues: Sequence[float]) -> float:
    """2/(λ_min + λ_max): the fixed γ that minimises the slowest contraction factor on a quadratic."""
    return 2.0 / (min(eigenvalues) + max(eigenvalues))


@dataclass(frozen=True)
class ConstrainedPoint:
    """A stationary point of f on g = 0: the point, its multiplier λ (∇f = λ∇g) and f there."""

    point: dict[sp.Symbol, sp.Expr]
    multiplier: sp.Expr
    value: sp.Expr


def lagrange_points(
    f: sp.Expr, g: sp.Expr, variables: Sequence[sp.Symbol]
) -> list[ConstrainedPoint]:
    """Every real solution of ∇f = λ∇g, g = 0 (the stationary points of L = f − λg), with λ."""
    lam = sp.Dummy("lambda")
    equations = [sp.diff(f, v) - lam * sp.diff(g, v) for v in variables] + [g]
    points = []
    for solution in real_solutions(equations, [*variables, lam]):
        point = {v: solution[v] for v in variables}
        value = sp.simplify(f.subs(point, simultaneous=True))
        points.append(ConstrainedPoint(point, solution[lam], value))
    return points


# Mistake generators: each returns the answer a learner who makes that slip would give.


def newton_iterates_plus(
    f: Callable[[float], float], df: Callable[[float], float], x0: float, n: int
) -> list[float]:
    """Newton–Raphson iterates with the sign reversed: x ← x + f/f′."""
    return _iterate(lambda x: x + f(x) / df(x), x0, n)


def newton_iterates_inverted(
    f: Callable[[float], float], df: Callable[[float], float], x0: float, n: int
) -> list[float]:
    """Newton–Raphson iterates with the fraction upside down: x ← x − f′/f."""
    return _iterate(lambda x: x - df(x) / f(x), x0, n)


def newton_iterates_optimisation_form(
    df: Callable[[float], float], d2f: Callable[[float], float], x0: float, n: int
) -> list[float]:
    """The optimisation iteration x ← x − f′/f″, which finds stationary points, not roots."""
    return _iterate(lambda x: x - df(x) / d2f(x), x0, n)


def gradient_ascent(
    grad: Callable[[np.ndarray], np.ndarray], x0: np.ndarray, gamma: float, n_steps: int
) -> np.ndarray:
    """The path of x ← x + γ∇f, climbing instead of descending."""
    return _descend(grad, x0, gamma, n_steps)


def newton_step_without_inverse(
    grad: Callable[[np.ndarray], np.ndarray],
    hess: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
) -> np.ndarray:
    """−H∇f: the Hessian multiplied instead of inverted."""
    x = np.asarray(x, dtype=float)
    step: np.ndarray = -np.asarray(hess(x.copy()), dtype=float) @ np.asarray(
        grad(x.copy()), dtype=float
    )
    return step


def newton_step_elementwise(
    grad: Callable[[np.ndarray], np.ndarray],
    hess: Callable[[np.ndarray], np.ndarray],
    x: np.ndarray,
) -> np.ndarray:
    """−∇f / diag(H): dividing entry by entry instead of solving HΔ = −∇f."""
    x = np.asarray(x, dtype=float)
    return -np.asarray(grad(x.copy()), dtype=float) / np.diag(
        np.asarray(hess(x.copy()), dtype=float)
    )


def stable_step_one_over(eigenvalues: Sequence[float]) -> float:
    """1/λ_max given as the largest stable step."""
    return 1.0 / max(eigenvalues)


def stable_step_smallest(eigenvalues: Sequence[float]) -> float:
    """2/λ_min given as the largest stable step."""
    return 2.0 / min(eigenvalues)


MISTAKES: dict[str, Callable[..., Any]] = {
    "newton-plus": newton_iterates_plus,
    "newton-inverted": newton_iterates_inverted,
    "newton-optimisation-form": newton_iterates_optimisation_form,
    "gradient-ascent": gradient_ascent,
    "newton-step-without-inverse": newton_step_without_inverse,
    "newton-step-elementwise": newton_step_elementwise,
    "stable-step-one-over": stable_step_one_over,
    "stable-step-smallest": stable_step_smallest,
}
