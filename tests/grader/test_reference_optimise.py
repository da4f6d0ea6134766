"""Newton–Raphson, gradient descent, Newton steps and Lagrange points agree with known roots,
closed forms and hand-solved constrained problems."""

import itertools

import numpy as np
import pytest
import scipy.optimize
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reference.optimise import (
    CYCLE,
    DIVERGENCE,
    ITERATION_LIMIT,
    ZERO_DERIVATIVE,
    ConvergenceError,
    best_fixed_step,
    gradient_descent,
    lagrange_points,
    largest_stable_step,
    newton_iterates,
    newton_raphson,
    newton_step,
)

x, y = sp.symbols("x y", real=True)


def polynomial_with_roots(roots, k=1.0):
    """(p, p′) for p(x) = k·Π(x − r)."""
    coefficients = k * np.poly(roots)
    return np.poly1d(coefficients), np.poly1d(coefficients).deriv()


def test_newton_raphson_finds_every_simple_root_of_random_polynomials_within_eight_iterations():
    rng = np.random.default_rng(0)
    for _ in range(40):
        roots = np.sort(
            rng.choice(np.arange(-12, 13), size=int(rng.integers(2, 5)), replace=False) / 4
        )
        p, dp = polynomial_with_roots(roots, k=rng.choice([-3, -1, 2, 5]))
        gap = np.diff(roots).min()
        for r in roots:
            start = r + rng.uniform(-0.1, 0.1) * gap
            root, iterations = newton_raphson(p, dp, start)
            assert abs(root - r) < 1e-9
            assert iterations <= 8
            assert root == pytest.approx(scipy.optimize.newton(p, start, fprime=dp), abs=1e-12)


def test_newton_raphson_converges_quadratically():
    p, dp = polynomial_with_roots([-1.0, 0.5, 2.0])
    errors = [abs(v - 2.0) for v in newton_iterates(p, dp, 2.6, 6)]
    useful = [e for e in errors if e > 1e-13]
    ratios = [e_next / e**2 for e, e_next in itertools.pairwise(useful)]
    assert len(ratios) >= 3
    # e_{k+1} ≈ |p″(r)/2p′(r)| e_k²: the ratios settle on that constant
    assert ratios[-1] == pytest.approx(abs(p.deriv(2)(2.0) / (2 * dp(2.0))), rel=0.05)


def test_newton_raphson_reports_a_cycle():
    with pytest.raises(ConvergenceError) as raised:
        newton_raphson(lambda v: v**3 - 2 * v + 2, lambda v: 3 * v**2 - 2, 0.0)
    assert raised.value.reason == CYCLE
    assert "cycle" in str(raised.value)


def test_newton_raphson_reports_a_zero_derivative_at_the_start():
    with pytest.raises(ConvergenceError) as raised:
        newton_raphson(lambda v: v**2 - 1, lambda v: 2 * v, 0.0)
    assert raised.value.reason == ZERO_DERIVATIVE


def test_newton_raphson_reports_divergence_on_the_cube_root():
    with pytest.raises(ConvergenceError) as raised:
        newton_raphson(np.cbrt, lambda v: np.cbrt(v) ** -2 / 3, 1.0)
    assert raised.value.reason == DIVERGENCE


def test_newton_raphson_reports_the_iteration_limit_and_is_a_value_error():
    p, dp = polynomial_with_roots([1.0, 3.0])
    with pytest.raises(ValueError) as raised:
        newton_raphson(p, dp, 10.0, max_iter=3)
    assert isinstance(raised.value, ConvergenceError)
    assert raised.value.reason == ITERATION_LIMIT


def test_newton_raphson_still_reaches_a_double_root():
    p, dp = polynomial_with_roots([1.0, 1.0, -2.0])
    root, iterations = newton_raphson(p, dp, 3.0, tol=1e-10)
    assert abs(root - 1.0) < 1e-5
    assert iterations > 8  # linear, not quadratic, convergence


def test_newton_raphson_returns_a_start_that_is_already_a_root():
    assert newton_raphson(lambda v: v - 2, lambda v: 1.0, 2.0) == (2.0, 0)


def spd_quadratic(rng, d):
    """A, b, x* for f = ½xᵀAx − bᵀx with eigenvalues of A in [0.5, 10]."""
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    eigenvalues = rng.uniform(0.5, 10, d)
    A = Q @ np.diag(eigenvalues) @ Q.T
    b = rng.normal(size=d)
    return A, b, np.linalg.solve(A, b), eigenvalues


def test_gradient_descent_on_quadratics_follows_the_closed_form_of_the_iteration():
    rng = np.random.default_rng(1)
    for d in (1, 2, 3, 5):
        A, b, x_star, eigenvalues = spd_quadratic(rng, d)
        gamma = 0.9 * largest_stable_step(eigenvalues)
        x0 = rng.normal(size=d)
        path = gradient_descent(lambda v, A=A, b=b: A @ v - b, x0, gamma, 30)
        assert path.shape == (31, d)
        step_matrix = np.eye(d) - gamma * A
        expected = [
            x_star + np.linalg.matrix_power(step_matrix, k) @ (x0 - x_star) for k in range(31)
        ]
        np.testing.assert_allclose(path, expected, rtol=1e-9, atol=1e-12)


def test_gradient_descent_converges_below_the_stable_step_and_diverges_above_it():
    A = np.diag([1.0, 4.0])
    stable = largest_stable_step([1.0, 4.0])
    assert stable == 0.5
    below = gradient_descent(lambda v: A @ v, np.array([1.0, 1.0]), 0.95 * stable, 200)
    above = gradient_descent(lambda v: A @ v, np.array([1.0, 1.0]), 1.05 * stable, 200)
    assert np.linalg.norm(below[-1]) < 1e-3
    assert np.linalg.norm(above[-1]) > 1e3


def test_best_fixed_step_minimises_the_slowest_contraction():
    eigenvalues = [0.5, 3.0, 7.0]
    gammas = np.linspace(0.01, 0.3, 2901)
    contraction = np.max(np.abs(1 - np.outer(gammas, eigenvalues)), axis=1)
    assert best_fixed_step(eigenvalues) == pytest.approx(gammas[contraction.argmin()], abs=1e-4)


def test_a_newton_step_lands_on_the_minimum_of_a_quadratic():
    A, b, x_star, _ = spd_quadratic(np.random.default_rng(2), 3)
    x0 = np.array([4.0, -1.0, 2.0])
    step = newton_step(lambda v: A @ v - b, lambda v: A, x0)
    np.testing.assert_allclose(x0 + step, x_star, rtol=1e-10)


def test_a_newton_step_on_a_non_quadratic_matches_the_hand_computed_step():
    # f = x⁴ + y² at (1, 1): ∇f = (4, 2), H = diag(12, 2), step = (−1/3, −1)
    step = newton_step(
        lambda v: np.array([4 * v[0] ** 3, 2 * v[1]]),
        lambda v: np.diag([12 * v[0] ** 2, 2.0]),
        np.array([1.0, 1.0]),
    )
    np.testing.assert_allclose(step, [-1 / 3, -1.0])


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n_steps=st.integers(0, 10))
def test_descent_functions_leave_their_inputs_unchanged(seed, n_steps):
    A, b, _, _ = spd_quadratic(np.random.default_rng(seed), 2)
    x0 = np.random.default_rng(seed + 1).normal(size=2)
    before = x0.copy()

    def grad(v):
        result = A @ v - b
        v += 1.0  # a careless gradient that writes to its argument must not move the path
        return result

    path = gradient_descent(grad, x0, 0.05, n_steps)
    newton_step(lambda v: A @ v - b, lambda v: A, x0)
    assert np.array_equal(x0, before)
    assert np.array_equal(path[0], before)
    assert path.shape == (n_steps + 1, 2)


def stationary_set(points):
    return {
        (tuple(round(float(p.point[v]), 9) for v in (x, y)), round(float(p.multiplier), 9))
        for p in points
    }


@pytest.mark.parametrize("a,b,p,q", [(3, 4, 2, 3), (1, -2, 1, 5), (-5, 1, 3, 1)])
def test_linear_objective_on_an_ellipse_has_its_two_closed_form_extremes(a, b, p, q):
    points = lagrange_points(a * x + b * y, x**2 / p**2 + y**2 / q**2 - 1, [x, y])
    r = np.sqrt(a**2 * p**2 + b**2 * q**2)
    expected = set()
    for s in (1, -1):
        point = (s * a * p**2 / r, s * b * q**2 / r)
        # ∇f = λ∇g: a = λ·2x/p², so λ = a p² / (2x)
        expected.add((tuple(round(v, 9) for v in point), round(s * r / 2, 9)))
    assert stationary_set(points) == expected
    assert sorted(float(pt.value) for pt in points) == pytest.approx([-r, r])


@pytest.mark.parametrize("k,c", [(2, 3), (sp.Rational(1, 2), -4), (5, 1)])
def test_weighted_sum_of_squares_on_a_line(k, c):
    k, c = sp.Rational(k), sp.Rational(c)
    points = lagrange_points(x**2 + k * y**2, x + y - c, [x, y])
    assert len(points) == 1
    (point,) = points
    assert point.point == {x: k * c / (1 + k), y: c / (1 + k)}
    assert point.multiplier == 2 * k * c / (1 + k)


def test_product_on_an_ellipse_has_four_stationary_points():
    p, q = 2, 3
    points = lagrange_points(x * y, x**2 / p**2 + y**2 / q**2 - 1, [x, y])
    s = 1 / np.sqrt(2)
    assert {tuple(round(float(pt.point[v]), 9) for v in (x, y)) for pt in points} == {
        (round(i * p * s, 9), round(j * q * s, 9)) for i in (1, -1) for j in (1, -1)
    }
    for pt in points:
        gradient_f = [pt.point[y], pt.point[x]]
        gradient_g = [2 * pt.point[x] / p**2, 2 * pt.point[y] / q**2]
        for df, dg in zip(gradient_f, gradient_g, strict=True):
            assert sp.simplify(df - pt.multiplier * dg) == 0


def test_lagrange_points_leave_out_complex_solutions():
    assert lagrange_points(x + y, x**2 + y**2 + 1, [x, y]) == []
