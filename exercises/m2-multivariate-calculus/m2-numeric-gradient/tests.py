"""Tests for m2-numeric-gradient: central differences of f = ½xᵀAx − bᵀx (a function descriptor),
compared with the exact gradient Ax − b; a probe with a large h tells forward differences apart."""

import numpy as np

from grader.answers.code_cases import Case, Check, Mistake, finite_difference_audit, quadratic


def shape_of_x():
    def passes(actual, args):
        return np.shape(actual) == np.shape(args[1])

    return Check("shape", passes, "Return one partial derivative per entry of x: shape (n,).")


def case(A, b, x, name, visible=False, h=None):
    f = lambda v: 0.5 * v @ A @ v - b @ v  # noqa: E731  the trusted twin of the descriptor
    step = 1e-5 if h is None else h
    exact = A @ x - b
    forward = exact + step / 2 * np.diag(A)  # (f(x + h e_i) − f(x))/h for a quadratic
    return Case(
        args=(quadratic(A, b), x) if h is None else (quadratic(A, b), x, h),
        expected=exact,
        name=name,
        visible=visible,
        rtol=1e-6,
        atol=1e-6,
        checks=[shape_of_x(), finite_difference_audit(f, at=1, rtol=1e-4)],
        mistakes=[
            Mistake(
                forward,
                "That is a forward difference (error O(h)): use (f(x + h·e_i) − f(x − h·e_i)) / 2h.",
                "forward-difference",
            ),
            Mistake(
                2 * exact,
                "The two points are 2h apart: divide by 2h, not h.",
                "missing-half",
            ),
        ],
        not_mutated=True,
    )


def symmetric(rng, n):
    M = rng.normal(size=(n, n))
    return M + M.T + n * np.eye(n)


def cases(params, rng):
    A2, b2 = np.array([[2.0, 1.0], [1.0, 4.0]]), np.array([1.0, -1.0])
    found = [case(A2, b2, np.array([1.0, 2.0]), "a 2-D quadratic at (1, 2)", visible=True)]
    for n in (2, 3, 4, 5):
        A, b, x = symmetric(rng, n), rng.normal(size=n), rng.uniform(-3, 3, n)
        found.append(case(A, b, x, f"a {n}-D quadratic"))
    A, b = symmetric(rng, 3), rng.normal(size=3)
    found.append(case(A, b, rng.uniform(-3, 3, 3), "a 3-D quadratic with h = 0.01", h=1e-2))
    return found
