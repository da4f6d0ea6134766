"""Line fits, least squares, chi-squared and steepest-descent fits agree with NumPy, SciPy,
SymPy-derived partials and central differences, including on ill-conditioned data."""

import numpy as np
import pytest
import scipy.optimize
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reference.nn import numerical_gradient
from grader.reference.regression import (
    chi2,
    chi2_gradient,
    d_gaussian_dmu,
    d_gaussian_dsig,
    gaussian,
    least_squares,
    linfit,
    steepest_descent_fit,
    steepest_step,
)


def noisy_line(rng, n, offset=0.0, spread=10.0):
    x = offset + rng.uniform(-spread, spread, n)
    m, c = rng.choice([-1, 1]) * rng.uniform(0.5, 3), rng.uniform(-5, 5)
    return x, m * x + c + rng.normal(0, 0.5, n)


@pytest.mark.parametrize("offset", [0.0, 1e3, 1e6])
def test_linfit_matches_polyfit_even_far_from_the_origin(offset):
    rng = np.random.default_rng(int(offset) % 97)
    for n in (10, 37, 500):
        x, y = noisy_line(rng, n, offset)
        m, c = linfit(x, y)
        m_ref, c_ref = np.polyfit(x - offset, y, 1)  # centred, so the reference is well conditioned
        assert m == pytest.approx(m_ref, rel=1e-9)
        assert c == pytest.approx(c_ref - m_ref * offset, rel=1e-9, abs=1e-9 * abs(m_ref * offset))


def test_linfit_refuses_data_with_a_single_x():
    with pytest.raises(ValueError, match="all x are equal"):
        linfit(np.ones(5), np.arange(5.0))


def test_least_squares_matches_lstsq_with_and_without_an_intercept():
    rng = np.random.default_rng(3)
    for rows, cols in ((8, 2), (12, 3), (50, 5)):
        X = rng.integers(-5, 6, (rows, cols)).astype(float)
        y = rng.normal(size=rows)
        np.testing.assert_allclose(least_squares(X, y), np.linalg.lstsq(X, y)[0], rtol=1e-10)
        with_ones = np.column_stack([np.ones(rows), X])
        np.testing.assert_allclose(
            least_squares(X, y, intercept=True), np.linalg.lstsq(with_ones, y)[0], rtol=1e-10
        )


def test_least_squares_solves_the_normal_equations():
    rng = np.random.default_rng(4)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    theta = least_squares(X, y)
    np.testing.assert_allclose(X.T @ X @ theta, X.T @ y, atol=1e-12)


def test_least_squares_recovers_the_parameters_of_ill_conditioned_polynomial_data():
    x = np.linspace(10, 11, 40)
    X = np.vander(x, 4, increasing=True)  # condition number about 1e8
    theta_true = np.array([1.0, -2.0, 0.5, 0.25])
    y = X @ theta_true
    assert np.linalg.cond(X) > 1e7
    theta = least_squares(X, y)
    error = np.linalg.norm(theta - theta_true) / np.linalg.norm(theta_true)
    normal_equations = np.linalg.solve(X.T @ X, X.T @ y)
    naive_error = np.linalg.norm(normal_equations - theta_true) / np.linalg.norm(theta_true)
    assert error < 1e-6
    assert error < naive_error / 100
    np.testing.assert_allclose(X @ theta, y, rtol=1e-12)


def test_least_squares_on_a_line_far_from_the_origin_matches_polyfit():
    rng = np.random.default_rng(5)
    x, y = noisy_line(rng, 200, offset=1e3, spread=10)
    c, m = least_squares(x, y, intercept=True)
    assert (m, c) == pytest.approx(tuple(np.polyfit(x, y, 1)), rel=1e-7)
    assert (m, c) == pytest.approx(linfit(x, y), rel=1e-9)


def test_least_squares_refuses_dependent_columns():
    X = np.column_stack([np.arange(6.0), 2 * np.arange(6.0)])
    with pytest.raises(ValueError, match="linearly dependent"):
        least_squares(X, np.ones(6))
    with pytest.raises(ValueError, match="2 rows cannot determine 3 parameters"):
        least_squares(np.ones((2, 3)), np.ones(2))


def line(x, m, c):
    return m * x + c


def test_chi2_sums_squared_weighted_residuals():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 7.0])
    assert chi2(line, (2.0, 1.0), x, y) == pytest.approx(0 + 1 + 4)
    assert chi2(line, (2.0, 1.0), x, y, sigma=np.array([1.0, 0.5, 2.0])) == pytest.approx(0 + 4 + 1)


def test_gaussian_is_a_normalised_density():
    xs = np.linspace(100, 250, 30001)
    assert np.trapezoid(gaussian(xs, 170.0, 8.0), xs) == pytest.approx(1, rel=1e-9)


def test_gaussian_partials_match_sympy_and_central_differences():
    X, M, S = sp.symbols("x mu sigma", positive=True)
    f = sp.exp(-((X - M) ** 2) / (2 * S**2)) / (S * sp.sqrt(2 * sp.pi))
    dmu = sp.lambdify((X, M, S), sp.diff(f, M))
    dsig = sp.lambdify((X, M, S), sp.diff(f, S))
    rng = np.random.default_rng(6)
    for _ in range(20):
        x = rng.uniform(120, 220, 50)
        mu, sig = rng.uniform(140, 200), rng.uniform(3, 20)
        np.testing.assert_allclose(
            d_gaussian_dmu(x, mu, sig), dmu(x, mu, sig), rtol=1e-8, atol=1e-300
        )
        np.testing.assert_allclose(
            d_gaussian_dsig(x, mu, sig), dsig(x, mu, sig), rtol=1e-8, atol=1e-300
        )
        point = x[0]
        numeric = numerical_gradient(
            lambda q, point=point: gaussian(point, *q), np.array([mu, sig])
        )
        assert d_gaussian_dmu(point, mu, sig) == pytest.approx(numeric[0], rel=1e-5, abs=1e-12)
        assert d_gaussian_dsig(point, mu, sig) == pytest.approx(numeric[1], rel=1e-5, abs=1e-12)


def heights_data(seed):
    """A 2.5 cm histogram of one normal sample, normalised to a density, as in the course."""
    rng = np.random.default_rng(seed)
    sample = rng.normal(rng.uniform(165, 178), rng.uniform(5.5, 8), 4000)
    edges = np.arange(100, 250.1, 2.5)
    counts, _ = np.histogram(sample, edges)
    return (edges[:-1] + edges[1:]) / 2, counts / (counts.sum() * 2.5)


GAUSSIAN_GRADS = (d_gaussian_dmu, d_gaussian_dsig)


def test_chi2_gradient_matches_central_differences():
    x, y = heights_data(1)
    for p in ([160.0, 9.0], [175.0, 6.0], [181.0, 12.0]):
        numeric = numerical_gradient(lambda q: chi2(gaussian, q, x, y), np.array(p), h=1e-5)
        np.testing.assert_allclose(
            chi2_gradient(gaussian, GAUSSIAN_GRADS, p, x, y), numeric, rtol=1e-5
        )


def test_steepest_step_is_minus_aggression_times_the_gradient():
    x, y = heights_data(2)
    step = steepest_step(gaussian, GAUSSIAN_GRADS, (155.0, 6.0), x, y, 2000)
    np.testing.assert_allclose(
        step, -2000 * chi2_gradient(gaussian, GAUSSIAN_GRADS, (155.0, 6.0), x, y)
    )


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_heights_fit_reaches_the_least_squares_optimum(seed):
    x, y = heights_data(seed)
    best = scipy.optimize.least_squares(
        lambda p: y - gaussian(x, *p), x0=[170.0, 7.0], xtol=1e-14, ftol=1e-14
    ).x
    p0 = [best[0] - 10.0, best[1] * 1.3]
    path = steepest_descent_fit(gaussian, GAUSSIAN_GRADS, x, y, p0, 2000, 200)
    assert path.shape == (201, 2)
    np.testing.assert_array_equal(path[0], p0)
    np.testing.assert_allclose(path[-1], best, atol=1e-3)


def test_exponential_decay_fit_reaches_the_least_squares_optimum():
    rng = np.random.default_rng(8)
    t = np.linspace(0, 5, 40)
    y = 3.0 * np.exp(-t / 1.5) + rng.normal(0, 0.02, t.size)

    def decay(t, A, tau):
        return A * np.exp(-t / tau)

    grads = (
        lambda t, A, tau: np.exp(-t / tau),
        lambda t, A, tau: A * t * np.exp(-t / tau) / tau**2,
    )
    best = scipy.optimize.least_squares(lambda p: y - decay(t, *p), x0=[2.5, 1.0], xtol=1e-14).x
    path = steepest_descent_fit(decay, grads, t, y, [2.5, 1.2], 0.02, 3000)
    np.testing.assert_allclose(path[-1], best, atol=1e-3)


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), n=st.integers(3, 30))
def test_fitting_functions_leave_their_inputs_unchanged(seed, n):
    rng = np.random.default_rng(seed)
    x, y = noisy_line(rng, n)
    sigma = rng.uniform(0.5, 2, n)
    p0 = np.array([1.0, 0.0])
    copies = [a.copy() for a in (x, y, sigma, p0)]
    linfit(x, y)
    least_squares(x, y, intercept=True)
    chi2(line, p0, x, y, sigma)
    path = steepest_descent_fit(
        line, (lambda x, m, c: x, lambda x, m, c: np.ones_like(x)), x, y, p0, 1e-4, 3
    )
    assert path.shape == (4, 2)
    for after, before in zip((x, y, sigma, p0), copies, strict=True):
        assert np.array_equal(after, before)
