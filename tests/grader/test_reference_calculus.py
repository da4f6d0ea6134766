"""The symbolic calculus reference agrees with independent computations: finite differences,
SymPy's own series and substitution, and hand-derived classifications."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reference.calculus import (
    StationaryPoint,
    chain_rule,
    classify,
    compile_numeric,
    derivative,
    gradient,
    hessian,
    jacobian,
    linearise,
    partials,
    stationary_points,
    taylor,
    taylor_nd,
    total_derivative,
)

x, y, z, t, u = sp.symbols("x y z t u", real=True)

UNARY = [
    sp.sin,
    sp.cos,
    sp.tanh,
    sp.atan,
    lambda e: sp.exp(e / 2),
    lambda e: sp.log(1 + e**2),
    lambda e: sp.sqrt(1 + e**2),
]


def random_expression(rng: np.random.Generator, variables, depth: int = 3) -> sp.Expr:
    """A random smooth expression, finite on the whole real space (denominators stay ≥ 1)."""
    if depth == 0 or rng.random() < 0.2:
        if rng.random() < 0.75:
            return variables[rng.integers(len(variables))]
        return sp.Rational(int(rng.integers(1, 7)), int(rng.integers(1, 4)))
    kind = rng.integers(6)
    left = random_expression(rng, variables, depth - 1)
    if kind == 0:
        return UNARY[rng.integers(len(UNARY))](left)
    if kind == 1:
        return left ** int(rng.integers(2, 4))
    right = random_expression(rng, variables, depth - 1)
    if kind == 2:
        return left + right
    if kind == 3:
        return left - right
    if kind == 4:
        return left * right
    return left / (1 + right**2)


def random_points(rng: np.random.Generator, n_vars: int, n_points: int = 4) -> np.ndarray:
    """Points in [−1.2, 1.2]ⁿ, one per row."""
    return rng.uniform(-1.2, 1.2, (n_points, n_vars))


def central_difference(f, point: np.ndarray, i: int, h: float = 1e-6) -> float:
    """∂f/∂x_i at point by a central difference."""
    step = np.zeros_like(point)
    step[i] = h
    return (f(*(point + step)) - f(*(point - step))) / (2 * h)


def second_difference(f, point: np.ndarray, i: int, j: int, h: float = 1e-4) -> float:
    """∂²f/∂x_i∂x_j at point by a four-point central difference."""
    e_i, e_j = np.zeros_like(point), np.zeros_like(point)
    e_i[i], e_j[j] = h, h
    return (
        f(*(point + e_i + e_j))
        - f(*(point + e_i - e_j))
        - f(*(point - e_i + e_j))
        + f(*(point - e_i - e_j))
    ) / (4 * h * h)


def assert_close(symbolic: float, numeric: float, rtol: float) -> None:
    assert abs(symbolic - numeric) <= rtol * (1 + abs(symbolic)), (symbolic, numeric)


def test_derivatives_of_200_random_expressions_match_finite_differences():
    rng = np.random.default_rng(1)
    for _ in range(200):
        f = random_expression(rng, [x])
        f_num, df_num = compile_numeric(f, [x]), compile_numeric(derivative(f, x), [x])
        for point in random_points(rng, 1):
            assert_close(float(df_num(*point)), central_difference(f_num, point, 0), 1e-6)


def test_second_derivatives_of_random_expressions_match_finite_differences():
    rng = np.random.default_rng(2)
    for _ in range(60):
        f = random_expression(rng, [x])
        f_num, d2f_num = compile_numeric(f, [x]), compile_numeric(derivative(f, x, 2), [x])
        for point in random_points(rng, 1):
            assert_close(float(d2f_num(*point)), second_difference(f_num, point, 0, 0), 1e-4)


def test_gradients_of_100_random_expressions_in_three_variables_match_finite_differences():
    rng = np.random.default_rng(3)
    variables = [x, y, z]
    for _ in range(100):
        f = random_expression(rng, variables)
        grad = gradient(f, variables)
        assert grad.shape == (3, 1)
        assert list(grad) == partials(f, variables)
        f_num, grad_num = compile_numeric(f, variables), compile_numeric(grad, variables)
        for point in random_points(rng, 3):
            values = grad_num(*point)
            for i in range(3):
                assert_close(values[i, 0], central_difference(f_num, point, i), 1e-6)


def test_jacobians_of_random_maps_match_finite_differences_with_outputs_as_rows():
    rng = np.random.default_rng(4)
    variables = [x, y, z]
    for _ in range(50):
        fs = [random_expression(rng, variables) for _ in range(2)]
        J = jacobian(fs, variables)
        assert J.shape == (2, 3)
        J_num, f_nums = compile_numeric(J, variables), [compile_numeric(f, variables) for f in fs]
        for point in random_points(rng, 3, 2):
            values = J_num(*point)
            for row, f_num in enumerate(f_nums):
                for col in range(3):
                    assert_close(values[row, col], central_difference(f_num, point, col), 1e-6)


def test_hessians_of_random_expressions_match_second_differences():
    rng = np.random.default_rng(5)
    variables = [x, y]
    for _ in range(60):
        f = random_expression(rng, variables)
        H = hessian(f, variables)
        f_num, H_num = compile_numeric(f, variables), compile_numeric(H, variables)
        for point in random_points(rng, 2, 2):
            values = H_num(*point)
            for i in range(2):
                for j in range(2):
                    assert_close(values[i, j], second_difference(f_num, point, i, j), 1e-4)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_hessians_are_symmetric(seed):
    rng = np.random.default_rng(seed)
    variables = [x, y, z]
    H = hessian(random_expression(rng, variables), variables)
    H_num = compile_numeric(H, variables)
    values = H_num(*random_points(rng, 3, 1)[0])
    np.testing.assert_allclose(values, values.T, rtol=1e-9, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), a=st.integers(-5, 5), b=st.integers(-5, 5))
def test_the_derivative_is_linear(seed, a, b):
    rng = np.random.default_rng(seed)
    f, g = random_expression(rng, [x]), random_expression(rng, [x])
    combined = compile_numeric(derivative(a * f + b * g, x), [x])
    separate = compile_numeric(a * derivative(f, x) + b * derivative(g, x), [x])
    points = random_points(rng, 1, 5)[:, 0]
    np.testing.assert_allclose(combined(points), separate(points), rtol=1e-9, atol=1e-9)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n_out=st.integers(1, 3), n_in=st.integers(1, 3))
def test_jacobian_and_gradient_shapes_follow_outputs_by_inputs(seed, n_out, n_in):
    rng = np.random.default_rng(seed)
    variables = [x, y, z][:n_in]
    fs = [random_expression(rng, variables, 2) for _ in range(n_out)]
    assert jacobian(fs, variables).shape == (n_out, n_in)
    assert gradient(fs[0], variables).shape == (n_in, 1)
    assert hessian(fs[0], variables).shape == (n_in, n_in)


def test_total_derivative_matches_differentiating_after_substitution():
    rng = np.random.default_rng(6)
    for _ in range(25):
        f = random_expression(rng, [x, y, z], 2)
        path = {v: random_expression(rng, [t], 2) for v in (x, y, z)}
        by_chain = compile_numeric(total_derivative(f, path, t), [t])
        by_substitution = compile_numeric(sp.diff(f.subs(path, simultaneous=True), t), [t])
        points = rng.uniform(-1, 1, 4)
        np.testing.assert_allclose(by_chain(points), by_substitution(points), rtol=1e-9, atol=1e-9)


def test_total_derivative_counts_an_explicit_dependence_on_t():
    assert sp.simplify(total_derivative(x * t, {x: t**2}, t) - 3 * t**2) == 0


def test_total_derivative_does_not_change_the_path():
    path = {x: t**2, y: sp.sin(t)}
    total_derivative(x * y, path, t)
    assert path == {x: t**2, y: sp.sin(t)}


def test_chain_of_jacobians_gives_df_dt_of_the_composition():
    f = x**2 * y + sp.sin(y)
    x_of_u = [u**2 + z, u * z]
    u_of_t = [sp.cos(t), t**3]
    product = chain_rule(
        [jacobian([f], [x, y]), jacobian(x_of_u, [u, z]), jacobian(u_of_t, [t])]
    ).subs({u: u_of_t[0], z: u_of_t[1]}, simultaneous=True)
    product = product.subs({x: x_of_u[0], y: x_of_u[1]}, simultaneous=True).subs(
        {u: u_of_t[0], z: u_of_t[1]}, simultaneous=True
    )
    composed = f.subs({x: x_of_u[0], y: x_of_u[1]}).subs({u: u_of_t[0], z: u_of_t[1]})
    assert product.shape == (1, 1)
    check = compile_numeric(product[0] - sp.diff(composed, t), [t])
    np.testing.assert_allclose(check(np.linspace(-2, 2, 9)), 0, atol=1e-9)


def test_chain_rule_names_the_link_whose_shape_does_not_fit():
    with pytest.raises(ValueError, match="link 3 has shape 3×1 but link 2 has 2 columns"):
        chain_rule([sp.ones(1, 2), sp.ones(2, 2), sp.ones(3, 1)])


def test_chain_rule_also_multiplies_numeric_jacobians():
    J = [np.ones((1, 3)), np.arange(6.0).reshape(3, 2), np.ones((2, 1))]
    np.testing.assert_allclose(chain_rule(J), [[15.0]])


TAYLOR_POOL = [
    sp.exp(x),
    sp.cos(x),
    sp.sin(x) + sp.cos(x),
    sp.log(1 + x),
    1 / (1 - x),
    sp.exp(2 * x) * sp.sin(3 * x),
    (1 + x) ** sp.Rational(1, 3),
    sp.atan(x),
]


@pytest.mark.parametrize("f", TAYLOR_POOL, ids=str)
@pytest.mark.parametrize("about", [0, sp.Rational(-1, 3)])
def test_taylor_polynomials_match_sympy_series(f, about):
    for order in (2, 5):
        expected = sp.series(f, x, about, order + 1).removeO()
        assert sp.expand(taylor(f, x, about, order) - expected) == 0


def test_taylor_refuses_to_expand_about_a_pole():
    with pytest.raises(ValueError, match="no Taylor series there"):
        taylor(1 / x, x, 0, 2)


def test_taylor_expands_through_a_removable_singularity():
    assert sp.expand(taylor(sp.sin(x) / x, x, 0, 4)) == 1 - x**2 / 6 + x**4 / 120


@pytest.mark.parametrize("f", [sp.exp(x), sp.cos(x) + x, sp.log(2 + x), sp.atan(x) + x**2], ids=str)
@pytest.mark.parametrize("order", [1, 2, 3])
def test_taylor_error_shrinks_by_two_to_the_order_plus_one_when_the_step_halves(f, order):
    about = sp.Rational(1, 4)
    T = taylor(f, x, about, order)
    errors = [abs(sp.N((f - T).subs(x, about + sp.Rational(1, 2**k)), 40)) for k in (8, 9)]
    assert float(errors[0] / errors[1]) == pytest.approx(2 ** (order + 1), rel=0.05)


def test_taylor_nd_matches_the_one_variable_series_along_every_ray():
    rng = np.random.default_rng(7)
    s = sp.Symbol("s")
    for _ in range(15):
        f = random_expression(rng, [x, y], 2)
        a = [sp.Rational(int(rng.integers(-4, 5)), 4) for _ in range(2)]
        Q = taylor_nd(f, [x, y], a, 2)
        d = [sp.Rational(int(rng.integers(-4, 5)), 3) for _ in range(2)]
        ray = {x: a[0] + s * d[0], y: a[1] + s * d[1]}
        expected = sp.series(f.subs(ray, simultaneous=True), s, 0, 3).removeO()
        difference = compile_numeric(Q.subs(ray, simultaneous=True) - expected, [s])
        np.testing.assert_allclose(difference(np.linspace(-1, 1, 5)), 0, atol=1e-9)


def test_taylor_nd_of_order_zero_and_one_truncate_the_quadratic_model():
    f = sp.exp(x) * sp.cos(y)
    assert taylor_nd(f, [x, y], [0, 0], 0) == 1
    assert sp.expand(taylor_nd(f, [x, y], {x: 0, y: 0}, 1)) == 1 + x
    assert sp.expand(taylor_nd(f, [x, y], [0, 0], 2)) == 1 + x + x**2 / 2 - y**2 / 2
    with pytest.raises(ValueError, match="orders 0, 1 and 2"):
        taylor_nd(f, [x, y], [0, 0], 3)


def test_linearisation_is_the_tangent_plane():
    f = sp.sqrt(x**2 + y**2)
    plane = linearise(f, [x, y], [3, 4])
    assert sp.expand(plane) == sp.Rational(3, 5) * x + sp.Rational(4, 5) * y
    with pytest.raises(ValueError, match="2 coordinates for 3 variables"):
        linearise(f, [x, y, z], [3, 4])
    with pytest.raises(sp.SympifyError):
        linearise(f, [x, y], ["3", "4"])


def kinds(points: list[StationaryPoint]) -> dict:
    return {tuple(p.point[v] for v in (x, y)): p.kind for p in points}


def test_stationary_points_of_a_cubic_are_a_saddle_and_a_minimum():
    assert kinds(stationary_points(x**3 - 3 * x + y**2, [x, y])) == {
        (-1, 0): "saddle",
        (1, 0): "minimum",
    }


def test_stationary_points_classify_maxima_and_degenerate_points():
    assert kinds(stationary_points(-(x**2) - x * y - y**2 + 3 * x, [x, y])) == {(2, -1): "maximum"}
    assert kinds(stationary_points(x**4 + y**4, [x, y])) == {(0, 0): "degenerate"}
    assert kinds(stationary_points(x**2 - y**2 + x * y, [x, y])) == {(0, 0): "saddle"}


def test_stationary_points_keep_real_roots_that_cardano_writes_with_i():
    f = x**4 - 3 * x**2 + x + y**2  # f_x = 4x³ − 6x + 1 has three real roots
    points = sorted(stationary_points(f, [x, y]), key=lambda p: float(p.point[x]))
    expected = np.sort(np.roots([4, 0, -6, 1]).real)
    np.testing.assert_allclose([float(p.point[x]) for p in points], expected, rtol=1e-12)
    assert [p.kind for p in points] == ["minimum", "saddle", "minimum"]
    assert all(sp.N(p.point[x], 30).as_real_imag()[1] == 0 for p in points)


def test_hessians_whose_real_entries_are_written_with_i_are_still_classified():
    four = sp.cbrt(2 + 11 * sp.I) + sp.cbrt(2 - 11 * sp.I)  # a real 4 that SymPy cannot prove real
    assert classify(sp.Matrix([[four - 3, 0], [0, 1]])) == "minimum"
    assert classify(sp.Matrix([[-four, 1], [1, -1]])) == "maximum"
    assert classify(sp.Matrix([[four - 5, 0], [0, 1]])) == "saddle"
    assert classify(sp.Matrix([[four - 3, 1], [1, 1]])) == "degenerate"


def test_stationary_points_refuse_a_curve_of_them():
    with pytest.raises(ValueError, match="not isolated"):
        stationary_points((x - y) ** 2, [x, y])


def test_stationary_points_skip_complex_solutions():
    points = stationary_points(x**4 / 4 + x + y**2, [x, y])
    assert len(points) == 1 and points[0].kind == "minimum"


@settings(max_examples=20, deadline=None)
@given(
    a=st.integers(-5, 5).filter(bool),
    b=st.integers(-5, 5),
    c=st.integers(-5, 5).filter(bool),
    d=st.integers(-5, 5),
    e=st.integers(-5, 5),
)
def test_quadratics_are_classified_by_their_eigenvalues(a, b, c, d, e):
    f = a * x**2 + b * x * y + c * y**2 + d * x + e * y
    H = np.array([[2 * a, b], [b, 2 * c]], dtype=float)
    eigenvalues = np.linalg.eigvalsh(H)
    if np.isclose(eigenvalues, 0).any():  # singular H: no stationary point, or a line of them
        try:
            assert stationary_points(f, [x, y]) == []
        except ValueError as error:
            assert "not isolated" in str(error)
        return
    points = stationary_points(f, [x, y])
    expected = (
        "minimum" if eigenvalues.min() > 0 else "maximum" if eigenvalues.max() < 0 else "saddle"
    )
    assert [p.kind for p in points] == [expected]
    point = np.array([float(points[0].point[v]) for v in (x, y)])
    np.testing.assert_allclose(H @ point + [d, e], 0, atol=1e-12)


def test_compiled_expressions_broadcast_constants_to_the_input_shape():
    assert compile_numeric(sp.Integer(3), [x, y])(np.arange(4.0), 1.0).shape == (4,)
    H = compile_numeric(hessian(x**3 + x * y, [x, y]), [x, y])
    values = H(np.array([1.0, 2.0]), np.array([0.0, 5.0]))
    np.testing.assert_allclose(values, [[[6, 1], [1, 0]], [[12, 1], [1, 0]]])


@pytest.mark.parametrize("point", [["__import__('os').system('true')", 0], {x: "1+1", y: 0}])
def test_an_expansion_point_given_as_text_is_refused_not_parsed(point):
    with pytest.raises(sp.SympifyError):
        linearise(x * y, [x, y], point)
