"""Tests for m5-newton-scipy-check: the learner's Newton–Raphson and SciPy's, side by side, from
starts that converge, cycle or meet a zero derivative. The expected table comes from the same
specification run here, and from SciPy itself."""

import numpy as np
from scipy.optimize import newton

from grader.answers.code_cases import ANY_VALUE, Case, Check, Mistake, polynomial

TOL, MAX_ITER = 1e-10, 50
# The course's sextic: real roots near −3.760 and 1.063; from 3 Newton cycles without converging.
SEXTIC = [1 / 6, 0.0, -3.0, -2 / 3, 27 / 2, 18.0, -30.0]
CYCLE = [1.0, 0.0, -2.0, 2.0]  # x³ − 2x + 2: from 0, Newton cycles 0 → 1 → 0


def mine(f, df, x0, sign=-1.0, on_failure="none"):
    """The specified iteration; `sign` +1 is the slip x + f/f′; on_failure "last" returns the
    last iterate instead of None."""
    x = float(x0)
    with np.errstate(all="ignore"):
        for _ in range(MAX_ITER):
            slope = df(x)
            if slope == 0:
                return x if on_failure == "last" else None
            step = f(x) / slope
            x = x + sign * step
            if abs(step) < TOL:
                return x
    return x if on_failure == "last" else None


def scipy_root(f, df, x0, fprime=True):
    try:
        with np.errstate(all="ignore"):
            return float(newton(f, x0, fprime=df if fprime else None))
    except RuntimeError:
        return None


def table(coefficients, starts, **slip):
    f, df = np.poly1d(coefficients), np.poly1d(coefficients).deriv()
    own = {k: v for k, v in slip.items() if k in ("sign", "on_failure")}
    return [
        (mine(f, df, x0, **own), scipy_root(f, df, x0, slip.get("fprime", True))) for x0 in starts
    ]


def same_table(expected):
    def close(want, got):
        if want is None or got is None:
            return want is None and got is None
        return isinstance(got, (int, float)) and abs(float(got) - want) <= 1e-7 * max(1, abs(want))

    def passes(actual, args):
        return (
            isinstance(actual, (list, tuple))
            and len(actual) == len(expected)
            and all(
                isinstance(pair, (list, tuple))
                and len(pair) == 2
                and all(close(w, g) for w, g in zip(want, pair, strict=True))
                for want, pair in zip(expected, actual, strict=True)
            )
        )

    shown = ", ".join(
        "(" + ", ".join("None" if v is None else f"{v:.10g}" for v in pair) + ")"
        for pair in expected
    )
    return Check("the table", passes, f"Expected the pairs (mine, scipy): [{shown}].")


MISTAKES = [
    (
        {"fprime": False},
        "SciPy ran the secant method, which converges where Newton–Raphson does not: pass "
        "`fprime=df` to run Newton–Raphson.",
        "secant-not-newton",
    ),
    (
        {"sign": 1.0},
        "Your own steps go the wrong way: x_{n+1} = x_n − f(x_n)/f′(x_n), with a minus sign.",
        "step-sign",
    ),
    (
        {"on_failure": "last"},
        "When your iteration fails (a zero derivative, or 50 steps without converging), give None, "
        "not the last x: that x is not a root.",
        "failure-not-none",
    ),
]


def table_case(coefficients, starts, name, visible):
    expected = table(coefficients, starts)
    mistakes = [
        Mistake(table(coefficients, starts, **slip), feedback, rule)
        for slip, feedback, rule in MISTAKES
        if table(coefficients, starts, **slip) != expected
    ]
    if any(pair[1] is None for pair in expected):
        mistakes.append(
            Mistake(
                None,
                "scipy.optimize.newton raises RuntimeError when it fails: catch it and give None.",
                "scipy-error-uncaught",
                "RuntimeError",
                "converge",
            )
        )
    return Case(
        args=(polynomial(coefficients), polynomial(np.polyder(coefficients)), list(starts)),
        expected=ANY_VALUE,
        checks=[same_table(expected)],
        mistakes=mistakes,
        name=name,
        visible=visible,
    )


def cases(params, rng):
    roots = sorted(rng.choice(np.arange(-6, 7), 3, replace=False).astype(float) / 2)
    near = [float(r + rng.uniform(0.05, 0.2) * rng.choice([-1, 1])) for r in roots]
    return [
        table_case(SEXTIC, [-4.0, 0.0, 1.99, 3.0], "the sextic from −4, 0, 1.99 and 3", True),
        table_case(CYCLE, [0.0, -2.0], "x³ − 2x + 2 from 0 (a cycle) and −2", False),
        table_case([1.0, 0.0, -4.0], [0.0, 3.0], "x² − 4 from 0, where f′ = 0, and 3", False),
        table_case(np.poly(roots), near, "a cubic with three real roots, near each", False),
    ]
