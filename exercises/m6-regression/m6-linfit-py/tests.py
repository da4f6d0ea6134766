"""Tests for m6-linfit-py: a tuple (m, c) back; uncentred sums, a missing x̄ and x-on-y diagnosed."""

import numpy as np

from grader import figures
from grader.answers.code_cases import Case, Mistake


def line(x, y):
    xbar, ybar = x.mean(), y.mean()
    m = np.sum((x - xbar) * (y - ybar)) / np.sum((x - xbar) ** 2)
    return m, ybar - m * xbar


def mistakes(x, y):
    m, _ = line(x, y)
    through_origin = np.sum(x * y) / np.sum(x * x)
    m_xy, c_xy = line(y, x)
    return [
        Mistake(
            (through_origin, 0.0),
            "Σxy/Σx² forces the line through the origin: centre x and y first.",
            "uncentred",
        ),
        Mistake(
            (m, y.mean() - m), "The intercept is ȳ − m·x̄, not ȳ − m.", "intercept-missing-xbar"
        ),
        Mistake((m_xy, c_xy), "You regressed x on y: swap the roles of the two arrays.", "x-on-y"),
    ]


def data(rng, n, offset=0.0, spread=10.0):
    x = offset + rng.uniform(-spread, spread, n)
    m, c = rng.choice([-1, 1]) * rng.uniform(0.5, 3), rng.uniform(-5, 5)
    return x, m * x + c + rng.normal(0, 1, n)


def straight(x, m, c):
    return m * x + c


def fit_figure(x, y):
    """The learner's line (m, c) over the data, against the least-squares line."""
    return lambda value: figures.fit_figure(
        "Your line y = mx + c over the data, against the least-squares line",
        x,
        y,
        straight,
        value,
        line(x, y),
    )


def case(x, y, name, visible=False):
    return Case(
        args=(x, y),
        expected=line(x, y),
        name=name,
        visible=visible,
        rtol=1e-7,
        atol=1e-9,
        mistakes=mistakes(x, y),
        not_mutated=True,
        figure=fit_figure(x, y) if visible else None,
    )


def cases(params, rng):
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    return [
        case(
            x,
            2 * x + 1 + np.array([0.1, -0.1, 0.0, 0.1, -0.1]),
            "five points near y = 2x + 1",
            visible=True,
        ),
        *(case(*data(rng, n), f"{n} noisy points") for n in (10, 57, 500)),
        case(*data(rng, 200, offset=1e3, spread=10), "200 points with x near 1000"),
    ]
