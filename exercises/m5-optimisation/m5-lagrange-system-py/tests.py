"""Tests for m5-lagrange-system-py: the gradient of the Lagrangian and its stationary points.

f = ½xᵀAx − bᵀx and the constraint g = ½xᵀCx − eᵀx = 0 (an ellipse through the origin) arrive as
function descriptors; the trusted stationary points come from grader.reference.optimise.
"""

import numpy as np
import sympy as sp

from grader.answers.code_cases import (
    ANY_VALUE,
    Case,
    Check,
    Mistake,
    quadratic,
    quadratic_gradient,
)
from grader.reference.optimise import lagrange_points

X, Y = sp.symbols("x y")


def lagrangian_gradient(A, b, C, e, v, sign=-1.0, g_sign=-1.0):
    """(∇f + sign·λ∇g, g_sign·g) at v = (x, y, λ)."""
    point, lam = v[:2], v[2]
    grad = A @ point - b + sign * lam * (C @ point - e)
    return np.append(grad, g_sign * (0.5 * point @ C @ point - e @ point))


def is_lagrangian_gradient(A, b, C, e, v):
    want = lagrangian_gradient(A, b, C, e, v)

    def passes(actual, args):
        actual = np.asarray(actual, dtype=float)
        if actual.shape != (3,):
            return False
        close = np.allclose(actual[:2], want[:2], rtol=1e-9, atol=1e-9)
        return close and np.isclose(abs(actual[2]), abs(want[2]), rtol=1e-9, atol=1e-9)

    return Check(
        "∇L",
        passes,
        "Return (f_x − λg_x, f_y − λg_y, −g) at v = (x, y, λ), an array of shape (3,).",
    )


def gradient_case(A, b, C, e, v, name, visible):
    mistakes = [
        Mistake(
            lagrangian_gradient(A, b, C, e, v, sign=1.0, g_sign=g_sign),
            "L = f − λg, so its gradient is ∇f − λ∇g: check the sign of the λ terms.",
            "lambda-sign",
        )
        for g_sign in (-1.0, 1.0)
    ]
    mistakes.append(
        Mistake(
            lagrangian_gradient(A, b, C, e, v)[:2],
            "∂L/∂λ = −g is the constraint itself: add it as the third component.",
            "constraint-missing",
        )
    )
    return Case(
        args=(
            "grad_lagrangian",
            v,
            quadratic_gradient(A, b),
            quadratic_gradient(C, e),
            quadratic(C, e),
        ),
        expected=ANY_VALUE,
        name=name,
        visible=visible,
        checks=[is_lagrangian_gradient(A, b, C, e, v)],
        mistakes=mistakes,
        not_mutated=True,
    )


def same_points(expected):
    def passes(actual, args):
        actual = np.asarray(actual, dtype=float)
        if actual.ndim != 2 or actual.shape[1] != 3 or len(actual) != len(expected):
            return False
        return all(np.min(np.abs(actual - point).max(axis=1)) < 1e-6 for point in expected)

    return Check(
        "stationary points",
        passes,
        f"Expected {len(expected)} distinct stationary points (x, y, λ), each found once "
        "(points closer than 1e-6 are the same point).",
    )


def points_case(b, C, e, rng, name, visible):
    g = (C[0, 0] * X**2 + C[1, 1] * Y**2) / 2 - e[0] * X - e[1] * Y
    found = lagrange_points(-(b[0] * X + b[1] * Y), g, [X, Y])
    expected = np.array(
        [[float(p.point[X]), float(p.point[Y]), float(p.multiplier)] for p in found]
    )
    starts = np.repeat(expected, 2, axis=0) + rng.normal(0, 0.05, (2 * len(expected), 3))
    zero = np.zeros((2, 2))
    return Case(
        args=(
            "stationary_points",
            quadratic_gradient(zero, b),
            quadratic_gradient(C, e),
            quadratic(C, e),
            starts,
        ),
        expected=ANY_VALUE,
        name=name,
        visible=visible,
        checks=[same_points(expected)],
        not_mutated=True,
    )


def ellipse(rng):
    """C = diag of small integers and e of small nonzero integers: ½xᵀCx − eᵀx = 0."""
    return np.diag(rng.integers(1, 5, 2).astype(float)), rng.choice(
        [-3, -2, -1, 1, 2, 3], 2
    ).astype(float)


def cases(params, rng):
    A1, b1 = np.array([[2.0, 0.0], [0.0, 4.0]]), np.array([1.0, 0.0])
    C1, e1 = np.eye(2), np.array([1.0, 1.0])
    found = [
        gradient_case(A1, b1, C1, e1, np.array([0.5, 1.0, 2.0]), "∇L at (0.5, 1, λ = 2)", True),
        points_case(
            np.array([1.0, 1.0]), C1, e1, rng, "x + y on the circle x² + y² = 2x + 2y", True
        ),
    ]
    for index in range(3):
        M = rng.normal(size=(2, 2))
        C, e = ellipse(rng)
        v = rng.uniform(-2, 2, 3)
        found.append(
            gradient_case(M + M.T, rng.normal(size=2), C, e, v, f"∇L, case {index + 1}", False)
        )
    for index in range(2):
        C, e = ellipse(rng)
        b = rng.choice([-3, -2, -1, 1, 2, 3], 2).astype(float)
        found.append(points_case(b, C, e, rng, f"stationary points, case {index + 1}", False))
    return found
