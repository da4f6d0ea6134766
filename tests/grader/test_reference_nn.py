"""The network reference agrees with central differences and with an independent autodiff
library (autograd) on networks of several depths, widths, activations and batch sizes."""

import autograd.numpy as anp
import numpy as np
import pytest
from autograd import elementwise_grad, grad
from hypothesis import given, settings
from hypothesis import strategies as st

from grader.reference.nn import (
    backprop,
    cost,
    d_relu,
    d_sigmoid,
    d_softplus,
    d_tanh,
    feed_forward,
    gradient_check,
    init_params,
    numerical_gradient,
    relu,
    sigmoid,
    softplus,
    tanh,
)

# Independent definitions for autograd, written from the formulas, not from the library.
AUTOGRAD_ACTIVATIONS = {
    "sigmoid": lambda z: 1 / (1 + anp.exp(-z)),
    "tanh": anp.tanh,
    "relu": lambda z: anp.where(z > 0, z, 0.0),
    "softplus": lambda z: anp.log(1 + anp.exp(z)),
}

ARCHITECTURES = [[1, 6, 7, 2], [3, 5, 2], [2, 4, 4, 4, 1], [4, 1], [2, 8, 3, 5, 3, 2]]
BATCHES = [1, 7, 100]


def dataset(sizes, N, seed):
    rng = np.random.default_rng(seed)
    return rng.uniform(0, 1, (sizes[0], N)), rng.uniform(0.1, 0.9, (sizes[-1], N))


def autograd_cost(params, x, y, activation):
    sigma = AUTOGRAD_ACTIVATIONS[activation]
    a = x
    for W, b in params:
        a = sigma(anp.dot(W, a) + b)
    return anp.sum((a - y) ** 2) / x.shape[1]


def relative_error(J, J_ref):
    return np.linalg.norm(J - J_ref) / (np.linalg.norm(J_ref) + 1e-12)


def cost_as_function_of(params, layer, which, x, y, activation):
    """The cost as a function of one parameter array (W or b of one layer), the others fixed."""

    def f(value):
        changed = [list(pair) for pair in params]
        changed[layer][which] = value
        return cost(changed, x, y, activation)

    return f


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "softplus"])
@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=lambda s: "-".join(map(str, s)))
@pytest.mark.parametrize("N", BATCHES)
def test_backprop_matches_central_differences_of_the_cost(sizes, activation, N):
    params = init_params(sizes, seed=len(sizes) * 100 + N)
    x, y = dataset(sizes, N, seed=N)
    gradients = backprop(params, x, y, activation)
    for layer, (dW, db) in enumerate(gradients):
        for which, J in ((0, dW), (1, db)):
            f = cost_as_function_of(params, layer, which, x, y, activation)
            J_num = numerical_gradient(f, params[layer][which])
            assert relative_error(J, J_num) < 1e-6, (layer, which)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "softplus"])
@pytest.mark.parametrize("sizes", ARCHITECTURES, ids=lambda s: "-".join(map(str, s)))
def test_backprop_matches_autograd(sizes, activation):
    params = init_params(sizes, seed=7)
    x, y = dataset(sizes, 13, seed=3)
    expected = grad(autograd_cost)(params, x, y, activation)
    for (dW, db), (dW_ref, db_ref) in zip(
        backprop(params, x, y, activation), expected, strict=True
    ):
        assert relative_error(dW, dW_ref) < 1e-10
        assert relative_error(db, db_ref) < 1e-10


def test_backprop_on_the_course_network_passes_the_gradient_check():
    params = init_params([1, 6, 7, 2], seed=0)
    N = 100
    x = (np.arange(N) / N)[None, :]
    y = np.vstack([0.5 + 0.3 * np.cos(2 * np.pi * x[0]), 0.5 + 0.3 * np.sin(2 * np.pi * x[0])])
    W1 = params[0][0]
    f = cost_as_function_of(params, 0, 0, x, y, "sigmoid")

    def J_W1(W):
        return backprop([(W, params[0][1]), *params[1:]], x, y)[0][0]

    assert gradient_check(f, J_W1, W1) < 1e-7


def test_the_cost_is_the_squared_error_averaged_over_examples():
    params = [(np.array([[2.0]]), np.array([[-1.0]]))]
    x, y = np.array([[0.0, 1.0]]), np.array([[0.0, 1.0]])
    a = 1 / (1 + np.exp(-np.array([-1.0, 1.0])))
    assert cost(params, x, y) == pytest.approx(((a[0] - 0) ** 2 + (a[1] - 1) ** 2) / 2, rel=1e-14)


def test_feed_forward_returns_every_pre_activation_and_activation():
    params = init_params([1, 6, 7, 2], seed=1)
    x = np.linspace(0, 1, 5)[None, :]
    z, a = feed_forward(params, x, "tanh")
    assert [v.shape for v in z] == [(6, 5), (7, 5), (2, 5)]
    assert [v.shape for v in a] == [(1, 5), (6, 5), (7, 5), (2, 5)]
    assert a[0] is x
    W2, b2 = params[1]
    np.testing.assert_allclose(z[1], W2 @ a[1] + b2)
    np.testing.assert_allclose(a[2], np.tanh(z[1]))


def test_init_params_gives_course_shapes_and_is_reproducible():
    params = init_params([1, 6, 7, 2], seed=42)
    assert [(W.shape, b.shape) for W, b in params] == [
        ((6, 1), (6, 1)),
        ((7, 6), (7, 1)),
        ((2, 7), (2, 1)),
    ]
    again = init_params([1, 6, 7, 2], seed=42)
    assert all(np.array_equal(W, V) for (W, _), (V, _) in zip(params, again, strict=True))
    big = init_params([400, 400], seed=0)[0][0]
    assert big.std() == pytest.approx(0.5, rel=0.02)


def test_unknown_activation_is_named_in_the_error():
    with pytest.raises(ValueError, match="unknown activation 'sinh'"):
        cost(init_params([1, 2], 0), np.zeros((1, 3)), np.zeros((2, 3)), "sinh")


@pytest.mark.parametrize(
    "sigma,d_sigma,name",
    [
        (sigmoid, d_sigmoid, "sigmoid"),
        (tanh, d_tanh, "tanh"),
        (relu, d_relu, "relu"),
        (softplus, d_softplus, "softplus"),
    ],
)
def test_activation_derivatives_match_autograd_and_central_differences(sigma, d_sigma, name):
    z = np.random.default_rng(0).uniform(-10, 10, 1000)
    np.testing.assert_allclose(sigma(z), AUTOGRAD_ACTIVATIONS[name](z), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(
        d_sigma(z), elementwise_grad(AUTOGRAD_ACTIVATIONS[name])(z), rtol=1e-9, atol=1e-15
    )
    h = 1e-6
    np.testing.assert_allclose(d_sigma(z), (sigma(z + h) - sigma(z - h)) / (2 * h), atol=1e-8)


def test_sigmoid_equals_the_courses_cosh_form_of_its_derivative():
    z = np.linspace(-10, 10, 101)
    np.testing.assert_allclose(d_sigmoid(z), 1 / (4 * np.cosh(z / 2) ** 2), rtol=1e-12)


def test_activations_stay_finite_without_warnings_for_huge_inputs():
    z = np.array([-1000.0, 0.0, 1000.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for f in (sigmoid, d_sigmoid, tanh, d_tanh, relu, d_relu, softplus, d_softplus):
            assert np.isfinite(f(z)).all()
    assert softplus(np.array([1000.0]))[0] == 1000.0


def test_numerical_gradient_is_exact_for_a_quadratic_in_a_matrix_of_any_shape():
    A = np.random.default_rng(1).normal(size=(2, 3))
    X = np.random.default_rng(2).normal(size=(2, 3))
    g = numerical_gradient(lambda M: np.sum(A * M**2), X)
    assert g.shape == X.shape
    np.testing.assert_allclose(g, 2 * A * X, rtol=1e-8)


def test_gradient_check_reports_a_large_error_for_a_wrong_gradient():
    x0 = np.array([1.0, -2.0, 0.5])

    def f(v):
        return float(np.sum(np.sin(v)))

    assert gradient_check(f, np.cos, x0) < 1e-8
    assert gradient_check(f, lambda v: -np.cos(v), x0) == pytest.approx(2, rel=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    N=st.integers(1, 20),
    activation=st.sampled_from(["sigmoid", "tanh", "relu", "softplus"]),
    seed=st.integers(0, 1000),
)
def test_backprop_gives_each_parameter_its_own_shape_and_changes_no_input(
    sizes, N, activation, seed
):
    params = init_params(sizes, seed)
    x, y = dataset(sizes, N, seed)
    copies = [(W.copy(), b.copy()) for W, b in params], x.copy(), y.copy()
    gradients = backprop(params, x, y, activation)
    assert [(dW.shape, db.shape) for dW, db in gradients] == [(W.shape, b.shape) for W, b in params]
    z, _ = feed_forward(params, x, activation)
    assert [v.shape for v in z] == [(n, N) for n in sizes[1:]]
    assert np.isfinite(cost(params, x, y, activation))
    for (W, b), (W0, b0) in zip(params, copies[0], strict=True):
        assert np.array_equal(W, W0) and np.array_equal(b, b0)
    assert np.array_equal(x, copies[1]) and np.array_equal(y, copies[2])


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3), seed=st.integers(0, 1000))
def test_numerical_gradient_keeps_the_shape_and_leaves_x_unchanged(shape, seed):
    x0 = np.random.default_rng(seed).normal(size=shape)
    before = x0.copy()
    g = numerical_gradient(lambda v: float(np.sum(v**3)), x0)
    assert g.shape == x0.shape
    assert np.array_equal(x0, before)
    np.testing.assert_allclose(g, 3 * x0**2, rtol=1e-6, atol=1e-8)
