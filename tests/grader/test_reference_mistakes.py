"""Every mistake generator gives an answer that differs from the right one on generic inputs, so
a feedback rule built on it can never fire on a correct answer."""

import numpy as np
import pytest
import sympy as sp

from grader.reference import calculus, nn, optimise, regression
from grader.reference.calculus import compile_numeric

x, y, z, t, u = sp.symbols("x y z t u", real=True)
SYMBOLS = [x, y, z, t, u]


def as_values(answer):
    """A comparable form of an answer: a list of float arrays, or a string for a classification."""
    if isinstance(answer, str):
        return answer
    if isinstance(answer, list | tuple) and any(isinstance(a, sp.Basic) for a in answer):
        answer = sp.Matrix(answer)
    if isinstance(answer, sp.Basic | sp.MatrixBase):
        matrix = answer if isinstance(answer, sp.MatrixBase) else sp.Matrix([answer])
        grid = np.random.default_rng(0).uniform(-1.1, 1.3, (len(SYMBOLS), 7))
        return [np.asarray(compile_numeric(matrix, SYMBOLS)(*grid), dtype=float)]
    if isinstance(answer, list | tuple) and answer and not np.isscalar(answer[0]):
        return [v for item in answer for v in as_values(item)]
    return [np.asarray(answer, dtype=float)]


def differs(wrong, right) -> bool:
    """True when the two answers are distinguishable: another shape, or values apart beyond 1e-6."""
    wrong, right = as_values(wrong), as_values(right)
    if isinstance(wrong, str) or isinstance(right, str):
        return wrong != right
    if len(wrong) != len(right) or any(
        a.shape != b.shape for a, b in zip(wrong, right, strict=True)
    ):
        return True
    scale = max(np.abs(b).max() for b in right) + 1e-12
    return max(np.abs(a - b).max() for a, b in zip(wrong, right, strict=True)) > 1e-6 * scale


def d_composite(outer, u, inner, var):
    return sp.diff(outer.subs(u, inner), var)


F3 = x * y + sp.sin(x * z) + y**2
PATH = {x: t**2, y: sp.sin(t)}
MAP = [x * y, x + y**2]
CHAIN = (sp.sin(u), u, x**2 + 1, x)
PRODUCT = (x**2, sp.sin(x), x)
QUOTIENT = (x**2 + 1, sp.cos(x) + 2, x)
TAYLOR = (sp.exp(2 * x), x, sp.Rational(1, 2), 3)
SURFACE = (sp.exp(x) * sp.sin(y) + x * y, [x, y], [sp.Rational(1, 2), sp.Rational(1, 3)])
JACOBIANS = [sp.Matrix([[1, 2], [3, 4]]), sp.Matrix([[0, 1], [1, 0]])]

CALCULUS_CASES = {
    "partials-others-zeroed": ((F3, [x, y, z]), calculus.partials(F3, [x, y, z])),
    "jacobian-transposed": ((MAP, [x, y]), calculus.jacobian(MAP, [x, y])),
    "total-derivative-no-path-factors": (
        (x * y, PATH, t),
        calculus.total_derivative(x * y, PATH, t),
    ),
    "chain-missing-inner": (CHAIN, d_composite(*CHAIN)),
    "chain-outer-at-x": (CHAIN, d_composite(*CHAIN)),
    "chain-outer-of-inner-derivative": (CHAIN, d_composite(*CHAIN)),
    "chain-reversed": ((JACOBIANS,), calculus.chain_rule(JACOBIANS)),
    "product-of-derivatives": (PRODUCT, sp.diff(PRODUCT[0] * PRODUCT[1], x)),
    "product-missing-term": (PRODUCT, sp.diff(PRODUCT[0] * PRODUCT[1], x)),
    "quotient-numerator-reversed": (QUOTIENT, sp.diff(QUOTIENT[0] / QUOTIENT[1], x)),
    "quotient-missing-square": (QUOTIENT, sp.diff(QUOTIENT[0] / QUOTIENT[1], x)),
    "taylor-no-factorial": (TAYLOR, calculus.taylor(*TAYLOR)),
    "taylor-powers-of-x": (TAYLOR, calculus.taylor(*TAYLOR)),
    "taylor-derivatives-at-zero": (TAYLOR, calculus.taylor(*TAYLOR)),
    "taylor-nd-no-half": (SURFACE, calculus.taylor_nd(*SURFACE)),
    "taylor-nd-cross-halved": (SURFACE, calculus.taylor_nd(*SURFACE)),
    "linearise-unevaluated-jacobian": (SURFACE, calculus.linearise(*SURFACE)),
    "classify-by-determinant": ((sp.diag(-2, -3),), calculus.classify(sp.diag(-2, -3))),
}


@pytest.mark.parametrize("rule", sorted(CALCULUS_CASES))
def test_calculus_mistakes_differ_from_the_right_answer(rule):
    arguments, right = CALCULUS_CASES[rule]
    assert differs(calculus.MISTAKES[rule](*arguments), right)


def test_calculus_mistakes_are_all_tested():
    assert set(CALCULUS_CASES) == set(calculus.MISTAKES)


def test_reversed_chain_of_rectangular_jacobians_raises_a_shape_error():
    with pytest.raises(ValueError, match="link 2"):
        calculus.chain_reversed([sp.ones(1, 2), sp.ones(2, 3)])


SQUARE_NET = nn.init_params([2, 3, 3, 3], seed=11)
DATA = (
    np.random.default_rng(12).uniform(0, 1, (2, 5)),
    np.random.default_rng(13).uniform(0, 1, (3, 5)),
)
RIGHT = nn.backprop(SQUARE_NET, *DATA)
Z = np.linspace(-3, 3, 13)

NN_CASES = {
    "missing-slope": ((SQUARE_NET, *DATA, 2), RIGHT),
    "slope-at-activation": ((SQUARE_NET, *DATA), RIGHT),
    "untransposed-weights": ((SQUARE_NET, *DATA), RIGHT),
    "missing-mean": ((SQUARE_NET, *DATA), RIGHT),
    "wrong-sign": ((SQUARE_NET, *DATA), RIGHT),
    "missing-factor-two": ((SQUARE_NET, *DATA), RIGHT),
    "previous-z-for-activation": ((SQUARE_NET, *DATA), RIGHT),
    "bias-not-summed": ((SQUARE_NET, *DATA), RIGHT),
    "d-sigmoid-in-z": ((Z,), nn.d_sigmoid(Z)),
    "d-tanh-plus": ((Z,), nn.d_tanh(Z)),
}


@pytest.mark.parametrize("rule", sorted(NN_CASES))
def test_backprop_mistakes_differ_from_the_right_answer(rule):
    arguments, right = NN_CASES[rule]
    assert differs(nn.MISTAKES[rule](*arguments), right)


def test_backprop_mistakes_are_all_tested():
    assert set(NN_CASES) == set(nn.MISTAKES)


def test_scaling_mistakes_give_the_ratios_the_diagnosis_looks_for():
    N = DATA[0].shape[1]
    for ratio, wrong in (
        (-1, nn.backprop_wrong_sign(SQUARE_NET, *DATA)),
        (N, nn.backprop_without_mean(SQUARE_NET, *DATA)),
        (0.5, nn.backprop_without_factor_two(SQUARE_NET, *DATA)),
    ):
        for (dW, db), (dW_ref, db_ref) in zip(wrong, RIGHT, strict=True):
            np.testing.assert_allclose(dW, ratio * dW_ref, rtol=1e-12)
            np.testing.assert_allclose(db, ratio * db_ref, rtol=1e-12)


def test_a_missing_slope_changes_that_layer_and_the_ones_before_it_only():
    wrong = nn.backprop_without_slope(SQUARE_NET, *DATA, layer=2)
    assert np.allclose(wrong[2][0], RIGHT[2][0])
    assert not np.allclose(wrong[1][0], RIGHT[1][0])
    assert not np.allclose(wrong[0][0], RIGHT[0][0])


def test_untransposed_weights_on_the_course_network_name_the_layer_and_the_fix():
    params = nn.init_params([1, 6, 7, 2], seed=0)
    with pytest.raises(ValueError, match=r"W3 @ delta3 does not fit.*W3\.T"):
        nn.backprop_untransposed(params, np.zeros((1, 4)), np.zeros((2, 4)))


def cubic(v):
    return (v - 1) * (v + 2) * (v - 3)


def d_cubic(v):
    return 3 * v**2 - 4 * v - 5


def d2_cubic(v):
    return 6 * v - 4


A = np.array([[3.0, 1.0], [1.0, 2.0]])
B = np.array([1.0, -1.0])


def bowl_gradient(v):
    return A @ v - B


def bowl_hessian(v):
    return A


OPTIMISE_CASES = {
    "newton-plus": ((cubic, d_cubic, 4.0, 3), optimise.newton_iterates(cubic, d_cubic, 4.0, 3)),
    "newton-inverted": ((cubic, d_cubic, 4.0, 3), optimise.newton_iterates(cubic, d_cubic, 4.0, 3)),
    "newton-optimisation-form": (
        (d_cubic, d2_cubic, 4.0, 3),
        optimise.newton_iterates(cubic, d_cubic, 4.0, 3),
    ),
    "gradient-ascent": (
        (bowl_gradient, np.array([2.0, 2.0]), 0.1, 5),
        optimise.gradient_descent(bowl_gradient, np.array([2.0, 2.0]), 0.1, 5),
    ),
    "newton-step-without-inverse": (
        (bowl_gradient, bowl_hessian, np.array([2.0, 2.0])),
        optimise.newton_step(bowl_gradient, bowl_hessian, np.array([2.0, 2.0])),
    ),
    "newton-step-elementwise": (
        (bowl_gradient, bowl_hessian, np.array([2.0, 2.0])),
        optimise.newton_step(bowl_gradient, bowl_hessian, np.array([2.0, 2.0])),
    ),
    "stable-step-one-over": (([1.0, 4.0],), optimise.largest_stable_step([1.0, 4.0])),
    "stable-step-smallest": (([1.0, 4.0],), optimise.largest_stable_step([1.0, 4.0])),
}


@pytest.mark.parametrize("rule", sorted(OPTIMISE_CASES))
def test_optimisation_mistakes_differ_from_the_right_answer(rule):
    arguments, right = OPTIMISE_CASES[rule]
    assert differs(optimise.MISTAKES[rule](*arguments), right)


def test_optimisation_mistakes_are_all_tested():
    assert set(OPTIMISE_CASES) == set(optimise.MISTAKES)


LINE_X = np.array([1.0, 2.0, 4.0, 5.0, 7.0, 8.0])
LINE_Y = 1.5 * LINE_X + 2 + np.array([0.1, -0.2, 0.15, 0.0, -0.1, 0.05])
DESIGN = np.column_stack([LINE_X, LINE_X**2])
SIGMA = np.array([0.5, 1.0, 2.0, 0.5, 1.0, 2.0])
HEIGHTS = np.linspace(150, 190, 9)
HEIGHT_DENSITY = regression.gaussian(HEIGHTS, 171.0, 7.0) * (1 + 0.05 * np.sin(HEIGHTS))
GAUSSIAN_FIT = (
    regression.gaussian,
    (regression.d_gaussian_dmu, regression.d_gaussian_dsig),
    (165.0, 9.0),
    HEIGHTS,
    HEIGHT_DENSITY,
)
CHI2_ARGUMENTS = (lambda x, m, c: m * x + c, (1.4, 2.3), LINE_X, LINE_Y, SIGMA)

REGRESSION_CASES = {
    "linfit-through-origin": ((LINE_X, LINE_Y), regression.linfit(LINE_X, LINE_Y)),
    "linfit-x-on-y": ((LINE_X, LINE_Y), regression.linfit(LINE_X, LINE_Y)),
    "linfit-intercept-without-x": ((LINE_X, LINE_Y), regression.linfit(LINE_X, LINE_Y)),
    "least-squares-no-intercept": (
        (DESIGN, LINE_Y),
        regression.least_squares(DESIGN, LINE_Y, intercept=True),
    ),
    "chi2-unsquared": (CHI2_ARGUMENTS, regression.chi2(*CHI2_ARGUMENTS)),
    "chi2-unweighted": (CHI2_ARGUMENTS, regression.chi2(*CHI2_ARGUMENTS)),
    "chi2-mean": (CHI2_ARGUMENTS, regression.chi2(*CHI2_ARGUMENTS)),
    "gaussian-dsig-no-prefactor-term": (
        (HEIGHTS, 171.0, 7.0),
        regression.d_gaussian_dsig(HEIGHTS, 171.0, 7.0),
    ),
    "gaussian-dmu-flipped": ((HEIGHTS, 171.0, 7.0), regression.d_gaussian_dmu(HEIGHTS, 171.0, 7.0)),
    "chi2-gradient-plus": (GAUSSIAN_FIT, regression.chi2_gradient(*GAUSSIAN_FIT)),
    "chi2-gradient-no-two": (GAUSSIAN_FIT, regression.chi2_gradient(*GAUSSIAN_FIT)),
    "chi2-gradient-unsummed": (GAUSSIAN_FIT, regression.chi2_gradient(*GAUSSIAN_FIT)),
}


@pytest.mark.parametrize("rule", sorted(REGRESSION_CASES))
def test_regression_mistakes_differ_from_the_right_answer(rule):
    arguments, right = REGRESSION_CASES[rule]
    assert differs(regression.MISTAKES[rule](*arguments), right)


def test_regression_mistakes_are_all_tested():
    assert set(REGRESSION_CASES) == set(regression.MISTAKES)


def test_every_generator_has_a_docstring_saying_what_it_distorts():
    for module in (calculus, nn, optimise, regression):
        for rule, generator in module.MISTAKES.items():
            assert generator.__doc__, rule
            assert f"`{rule}`" in module.__doc__, rule


@pytest.mark.parametrize(
    "right",
    [
        case[1]
        for cases in (CALCULUS_CASES, NN_CASES, OPTIMISE_CASES, REGRESSION_CASES)
        for case in cases.values()
    ],
)
def test_the_comparison_finds_no_difference_between_a_right_answer_and_itself(right):
    assert not differs(right, right)
