"""Tests for m5-gd-py: the gradient arrives as a function descriptor (∇f = Ax − b for an SPD A);
the whole path comes back; it must start at x0, and x0 must not be changed."""

import numpy as np

from grader.answers.code_cases import Case, Check, Mistake, quadratic_gradient


def path(A, b, x0, gamma, n_steps, sign=-1.0):
    points = [x0.copy()]
    for _ in range(n_steps):
        points.append(points[-1] + sign * gamma * (A @ points[-1] - b))
    return np.array(points)


def starts_at_x0():
    def passes(actual, args):
        return np.shape(actual)[:1] != (0,) and np.allclose(np.asarray(actual)[0], args[1])

    return Check("starts at x0", passes, "The first row of the path must be x0 itself.")


def spd(rng, d):
    Q, _ = np.linalg.qr(rng.normal(size=(d, d)))
    return Q @ np.diag(rng.uniform(0.5, 10, d)) @ Q.T


def case(A, b, x0, gamma, n_steps, name, visible=False):
    return Case(
        args=(quadratic_gradient(A, b), x0, gamma, n_steps),
        expected=path(A, b, x0, gamma, n_steps),
        name=name,
        visible=visible,
        rtol=1e-12,
        atol=1e-12,
        checks=[starts_at_x0()],
        not_mutated=True,
        mistakes=[
            Mistake(
                path(A, b, x0, gamma, n_steps, sign=1.0),
                "x + γ∇f climbs: step against the gradient.",
                "ascent",
            ),
            Mistake(
                path(A, b, x0, gamma, n_steps)[1:],
                "Include x0 as the first row of the path.",
                "missing-x0",
            ),
        ],
    )


def cases(params, rng):
    A2, b2 = np.array([[2.0, 0.0], [0.0, 1.0]]), np.array([1.0, -1.0])
    cases = [case(A2, b2, np.array([3.0, 2.0]), 0.1, 5, "a 2-D bowl, 5 steps", visible=True)]
    for d, n_steps in ((3, 20), (5, 50)):
        A = spd(rng, d)
        gamma = 1.0 / np.linalg.eigvalsh(A).max()
        cases.append(
            case(
                A, rng.normal(size=d), rng.normal(size=d), gamma, n_steps, f"{d}-D, {n_steps} steps"
            )
        )
    return cases
