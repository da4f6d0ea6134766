"""Tests for m4-taylor-eval-py: the Taylor polynomial from f's derivatives at x0, evaluated at an
array of points; expected values and the slips come from grader.reference.calculus (SymPy)."""

import numpy as np
import sympy as sp

from grader.answers.code_cases import Case, Mistake
from grader.reference import calculus

X = sp.Symbol("x")
FUNCTIONS = [sp.exp(X), sp.sin(X), sp.cos(2 * X), sp.log(1 + X), 1 / (2 - X), sp.sqrt(1 + X)]


def values(expr, x):
    return np.broadcast_to(np.asarray(sp.lambdify(X, expr, "numpy")(x), dtype=float), x.shape)


def case(f, x0, n, x, visible):
    derivs = np.array([float(calculus.derivative(f, X, k).subs(X, x0)) for k in range(n + 1)])
    slips = [
        (
            calculus.taylor_without_factorial(f, X, x0, n),
            "Divide the k-th derivative by k!: the coefficients are f⁽ᵏ⁾(x0)/k!.",
            "factorial-missing",
        ),
        (
            calculus.taylor_in_powers_of_x(f, X, x0, n),
            "Expand in powers of (x − x0), not x.",
            "powers-of-x",
        ),
        (
            calculus.taylor(f, X, x0, n - 1),
            "Include every term up to k = n = len(derivs) − 1: your sum stops one term early.",
            "stops-early",
        ),
    ]
    return Case(
        args=(derivs, float(x0), x),
        expected=values(calculus.taylor(f, X, x0, n), x),
        name=f"{len(derivs)} derivatives of {f} at x0 = {x0}",
        visible=visible,
        rtol=1e-10,
        atol=1e-12,
        mistakes=[Mistake(values(expr, x), text, rule) for expr, text, rule in slips],
        not_mutated=True,
    )


def cases(params, rng):
    found = [case(sp.exp(X), sp.Rational(1, 2), 3, np.array([0.0, 0.5, 1.0]), True)]
    for f in FUNCTIONS:
        x0 = sp.Rational(int(rng.integers(-2, 3)), 4)
        n = int(rng.integers(3, 8))
        found.append(case(f, x0, n, float(x0) + rng.uniform(-0.4, 0.4, 20), False))
    return found
