"""Tests for m3-d-sigma: d_sigma(z) = σ(z)(1 − σ(z)) elementwise, any shape, input unchanged."""

import numpy as np

from grader.answers.code_cases import Case, Mistake


def sigma(z):
    return 1 / (1 + np.exp(-z))


def d_sigma(z):
    s = sigma(z)
    return s * (1 - s)


def mistakes(z):
    """Predictable wrong answers and what to tell a learner who gives one."""
    s = sigma(z)
    return [
        Mistake(
            s, "You returned σ(z) itself; the task is its derivative σ′(z).", "sigma-not-derivative"
        ),
        Mistake(
            z * (1 - z),
            "σ′ takes z: compute σ(z) first, then σ(z)(1 − σ(z)), not z(1 − z).",
            "derivative-of-activation",
        ),
        Mistake(
            s * (1 - z),
            "Both factors take σ(z): σ′(z) = σ(z)(1 − σ(z)); you wrote σ(z)(1 − z).",
            "one-minus-z",
        ),
        Mistake(-s * (1 - s), "Check the sign: σ is increasing, so σ′(z) is positive.", "sign"),
        Mistake(
            1 - s, "The derivative is σ(z)(1 − σ(z)); you returned only 1 − σ(z).", "missing-factor"
        ),
    ]


def case(z, name, visible=False, weight=1.0):
    with np.errstate(over="ignore"):
        return Case(
            args=(z,),
            expected=d_sigma(z),
            name=name,
            visible=visible,
            weight=weight,
            rtol=1e-9,
            atol=1e-12,
            mistakes=mistakes(z),
            not_mutated=True,
        )


def cases(params, rng):
    return [
        case(np.array([-2.0, 0.0, 2.0]), "three values", visible=True),
        case(np.array(1.5), "a 0-dimensional array", visible=True),
        case(rng.uniform(-10, 10, 1000), "1000 random values in [−10, 10]", weight=2.0),
        case(rng.normal(0, 3, (4, 3, 2)), "an array of shape (4, 3, 2)"),
        case(np.array([[-30.0, -12.5], [12.5, 30.0]]), "large |z|"),
    ]
