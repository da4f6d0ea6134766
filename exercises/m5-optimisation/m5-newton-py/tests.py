"""Tests for m5-newton-py: polynomials given as function descriptors; a root and its iteration
count come back as a tuple; the stationary start and the 2-cycle must raise ValueError."""

import numpy as np

from grader.answers.code_cases import ANY_VALUE, Case, Check, polynomial


def converges_to(root, within):
    def passes(actual, args):
        return (
            isinstance(actual, (tuple, list))
            and len(actual) == 2
            and isinstance(actual[1], int)
            and not isinstance(actual[1], bool)
            and abs(float(actual[0]) - root) < 1e-9
            and 1 <= actual[1] <= within
        )

    return Check(
        f"converges to {root:g} within {within} iterations",
        passes,
        f"Expected (root, iterations) with the root {root:.12g} found in at most {within} steps.",
    )


def describe(roots):
    """ "(x + 1)(x − 2)" for the roots [-1, 2]."""
    return "".join(f"(x {'−' if r > 0 else '+'} {abs(r):g})" if r else "x" for r in roots)


def root_cases(roots, x0s, visible):
    coefficients = np.poly(roots)
    f, df = polynomial(coefficients), polynomial(np.polyder(coefficients))
    return [
        Case(
            args=(f, df, float(x0)),
            expected=ANY_VALUE,
            checks=[converges_to(root, 8)],
            name=f"p(x) = {describe(roots)} from x0 = {x0:.4g}",
            visible=visible,
        )
        for root, x0 in zip(roots, x0s, strict=True)
    ]


def cases(params, rng):
    visible_roots = [-1.0, 2.0]
    hidden_roots = sorted(rng.choice(np.arange(-6, 7), 3, replace=False).astype(float) / 2)
    offsets = rng.uniform(0.05, 0.15, 3) * rng.choice([-1, 1], 3)
    cycle = polynomial([1.0, 0.0, -2.0, 2.0])  # x³ − 2x + 2 cycles 0 ↔ 1 from x0 = 0
    return [
        *root_cases(visible_roots, [x + 0.3 for x in visible_roots], visible=True),
        *root_cases(
            hidden_roots, [r + o for r, o in zip(hidden_roots, offsets, strict=True)], visible=False
        ),
        Case(
            args=(polynomial([1.0, 0.0, -4.0]), polynomial([2.0, 0.0]), 0.0),
            raises="ValueError",
            name="x² − 4 from x0 = 0, where f′ = 0",
            visible=True,
        ),
        Case(
            args=(cycle, polynomial([3.0, 0.0, -2.0]), 0.0),
            raises="ValueError",
            name="x³ − 2x + 2 from x0 = 0, which cycles",
        ),
    ]
