"""Symbolic calculus for the course (SymPy in, SymPy out).

Notation: f is a scalar expression, x = (x_1, …, x_n) its variables, J the Jacobian (outputs ×
inputs), H the Hessian, Δ = x − a the displacement from the expansion point a.

Mistake generators (rule name → what it distorts), collected in `MISTAKES`:
- `partials-others-zeroed`: ∂f/∂x_i with the other variables set to 0 instead of held constant.
- `jacobian-transposed`: Jᵀ (inputs × outputs) instead of J.
- `total-derivative-no-path-factors`: Σ ∂f/∂x_i along the path, without the dx_i/dt factors.
- `chain-missing-inner`: f′(g(x)) without the inner factor g′(x).
- `chain-outer-at-x`: f′(x)·g′(x), the outer derivative evaluated at x instead of g(x).
- `chain-outer-of-inner-derivative`: f′(g′(x)).
- `chain-reversed`: the Jacobians multiplied from the inside out (raises when shapes forbid it).
- `product-of-derivatives`: u′v′ instead of u′v + uv′.
- `product-missing-term`: u′v only.
- `quotient-numerator-reversed`: (uv′ − u′v)/v².
- `quotient-missing-square`: (u′v − uv′)/v.
- `taylor-no-factorial`: Σ f⁽ⁿ⁾(a)(x − a)ⁿ without the 1/n!.
- `taylor-powers-of-x`: Σ f⁽ⁿ⁾(a)/n! · xⁿ, powers of x instead of (x − a).
- `taylor-derivatives-at-zero`: Σ f⁽ⁿ⁾(0)/n! · (x − a)ⁿ.
- `taylor-nd-no-half`: f(a) + JΔ + ΔᵀHΔ, the quadratic term without ½.
- `taylor-nd-cross-halved`: f(a) + JΔ + ½ΔᵀHΔ with the mixed terms f_ij Δ_i Δ_j halved.
- `linearise-unevaluated-jacobian`: f(a) + J(x)Δ, the Jacobian left at x instead of a.
- `classify-by-determinant`: every stationary point with det H > 0 called a minimum.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

Variables = Sequence[sp.Symbol]
Point = Mapping[sp.Symbol, sp.Expr] | Sequence[sp.Expr]


def derivative(expr: sp.Expr, var: sp.Symbol, order: int = 1) -> sp.Expr:
    """dⁿf/dxⁿ: the order-th derivative of expr with respect to var.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> derivative(x**3, x), derivative(x**3, x, 2)
    (3*x**2, 6*x)
    """
    return sp.diff(expr, var, order)


def partials(expr: sp.Expr, variables: Variables) -> list[sp.Expr]:
    """[∂f/∂x_1, …, ∂f/∂x_n], each taken holding the other variables constant."""
    return [sp.diff(expr, v) for v in variables]


def gradient(expr: sp.Expr, variables: Variables) -> sp.Matrix:
    """∇f as a column Matrix (n × 1).

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> gradient(x**2 * y, [x, y])
    Matrix([
    [2*x*y],
    [ x**2]])
    """
    return sp.Matrix(partials(expr, variables))


def jacobian(exprs: Sequence[sp.Expr] | sp.Matrix, variables: Variables) -> sp.Matrix:
    """J with J_ij = ∂f_i/∂x_j: one row per output, one column per input.

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> jacobian([x * y, x + y], [x, y])
    Matrix([
    [y, x],
    [1, 1]])
    """
    return sp.Matrix(list(exprs)).jacobian(list(variables))


def hessian(expr: sp.Expr, variables: Variables) -> sp.Matrix:
    """H with H_ij = ∂²f/∂x_i∂x_j (symmetric for smooth f).

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> hessian(x**2 * y, [x, y])
    Matrix([
    [2*y, 2*x],
    [2*x,   0]])
    """
    return sp.hessian(expr, list(variables))


def total_derivative(expr: sp.Expr, path: Mapping[sp.Symbol, sp.Expr], t: sp.Symbol) -> sp.Expr:
    """df/dt = ∂f/∂t + Σ ∂f/∂x_i(x(t)) · dx_i/dt along the path x_i = path[x_i](t)."""

    def on_path(e: sp.Expr) -> sp.Expr:
        return e.subs(path, simultaneous=True)

    return on_path(sp.diff(expr, t)) + sum(
        (on_path(sp.diff(expr, x)) * sp.diff(x_t, t) for x, x_t in path.items()), sp.Integer(0)
    )


def chain_rule(jacobians: Sequence[sp.Matrix]) -> sp.Matrix:
    """J_1 J_2 … J_k, outermost function first; says which link does not fit when shapes clash."""
    for k in range(1, len(jacobians)):
        left, right = jacobians[k - 1].shape, jacobians[k].shape
        if left[1] != right[0]:
            raise ValueError(
                f"link {k + 1} has shape {right[0]}×{right[1]} but link {k} has {left[1]} columns: "
                f"link {k + 1} needs {left[1]} rows"
            )
    return functools.reduce(operator.matmul, jacobians)


def taylor(expr: sp.Expr, var: sp.Symbol, about: sp.Expr, order: int) -> sp.Expr:
    """T_n(x) = Σ_{k≤n} f⁽ᵏ⁾(a)/k! · (x − a)ᵏ, the polynomial without an O-term.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> taylor(sp.exp(x), x, 0, 3)
    x**3/6 + x**2/2 + x + 1
    """
    return sum(
        coefficient * (var - about) ** k
        for k, coefficient in enumerate(_taylor_coefficients(expr, var, about, order))
    )


def _taylor_coefficients(
    expr: sp.Expr, var: sp.Symbol, about: sp.Expr, order: int
) -> list[sp.Expr]:
    """[f⁽ᵏ⁾(a)/k! for k = 0..n]."""
    return [
        _value_at(sp.diff(expr, var, k), var, about) / sp.factorial(k) for k in range(order + 1)
    ]


def _value_at(expr: sp.Expr, var: sp.Symbol, about: sp.Expr) -> sp.Expr:
    """expr at var = about, by a limit where plain substitution meets a removable singularity."""
    value = expr.subs(var, about)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        value = sp.limit(expr, var, about)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ValueError(f"{expr} has no finite value at {var} = {about}: no Taylor series there")
    return value


def taylor_nd(expr: sp.Expr, variables: Variables, about: Point, order: int = 2) -> sp.Expr:
    """f(a) + J(a)Δ + ½ΔᵀH(a)Δ with Δ = x − a, truncated at the given order (0, 1 or 2)."""
    if order not in (0, 1, 2):
        raise ValueError("taylor_nd handles orders 0, 1 and 2")
    value, J, H, delta = _taylor_nd_terms(expr, variables, about, order)
    if order >= 1:
        value += (J * delta)[0]
    if order == 2:
        value += sp.Rational(1, 2) * (delta.T * H * delta)[0]
    return value


def _taylor_nd_terms(
    expr: sp.Expr, variables: Variables, about: Point, order: int = 2
) -> tuple[sp.Expr, Any, Any, sp.Matrix]:
    """f(a), the row J(a), H(a) (only when order is 2) and the column Δ = x − a."""
    at = _as_point(variables, about)
    delta = sp.Matrix([v - at[v] for v in variables])
    J = gradient(expr, variables).T.subs(at, simultaneous=True) if order >= 1 else None
    H = hessian(expr, variables).subs(at, simultaneous=True) if order == 2 else None
    return expr.subs(at, simultaneous=True), J, H, delta


def linearise(expr: sp.Expr, variables: Variables, about: Point) -> sp.Expr:
    """The tangent-plane approximation f(a) + J(a)(x − a)."""
    return taylor_nd(expr, variables, about, order=1)


def _as_point(variables: Variables, about: Point) -> dict[sp.Symbol, sp.Expr]:
    """The expansion point as {variable: value}, from a mapping or a sequence in variable order."""
    if isinstance(about, Mapping):
        about = [about[v] for v in variables]
    if len(about) != len(variables):
        raise ValueError(f"the point has {len(about)} coordinates for {len(variables)} variables")
    # strict=True converts numbers only: a string is refused, never parsed
    return {v: sp.sympify(a, strict=True) for v, a in zip(variables, about, strict=True)}


@dataclass(frozen=True)
class StationaryPoint:
    """A point where ∇f = 0, its Hessian there and its kind: minimum, maximum, saddle or degenerate."""

    point: dict[sp.Symbol, sp.Expr]
    hessian: sp.Matrix
    kind: str


def stationary_points(expr: sp.Expr, variables: Variables) -> list[StationaryPoint]:
    """All real solutions of ∇f = 0, each classified by the definiteness of H there.

    Raises ValueError when the stationary points are not isolated (a whole curve of them).

    Examples
    --------
    >>> x, y = sp.symbols("x y")
    >>> [(p.point, p.kind) for p in stationary_points(x**2 - y**2, [x, y])]
    [({x: 0, y: 0}, 'saddle')]
    >>> [(p.point, p.kind) for p in stationary_points(x**3 - 3*x + y**2, [x, y])]
    [({x: -1, y: 0}, 'saddle'), ({x: 1, y: 0}, 'minimum')]
    """
    H = hessian(expr, variables)
    points = []
    for solution in real_solutions(partials(expr, variables), list(variables)):
        H_at = H.subs(solution, simultaneous=True)
        points.append(StationaryPoint(point=solution, hessian=H_at, kind=classify(H_at)))
    return points


def real_solutions(
    equations: list[sp.Expr], unknowns: list[sp.Symbol]
) -> list[dict[sp.Symbol, sp.Expr]]:
    """The real solutions of a system, each as {unknown: exact value}.

    Cardano's formula writes some real roots with i (casus irreducibilis); those are kept, as their
    real part, when their imaginary part vanishes numerically.
    """
    solutions = []
    for solution in sp.solve(equations, unknowns, dict=True):
        if set(solution) != set(unknowns):
            free = sorted(str(u) for u in set(unknowns) - set(solution))
            raise ValueError(f"the solutions are not isolated: {', '.join(free)} stay free")
        if all(_is_real(value) for value in solution.values()):
            solutions.append({u: sp.re(v) if v.has(sp.I) else v for u, v in solution.items()})
    return solutions


def _is_real(value: sp.Expr) -> bool:
    """Whether an exact number is real, deciding numerically (to 30 digits) when SymPy cannot."""
    if value.is_real is not None:
        return bool(value.is_real)
    real, imaginary = sp.N(value, 30).as_real_imag()
    return bool(abs(imaginary) <= sp.Float("1e-25") * (1 + abs(real)))


def classify(H: sp.Matrix) -> str:
    """The kind of a stationary point from its Hessian: positive definite → minimum, and so on."""
    # SymPy decides definiteness exactly only for entries it knows to be real (with others it
    # can even recurse for ever); when it cannot, the eigenvalues are computed to 30 digits.
    if not all(entry.is_real for entry in H):
        return _classify_numerically(H)
    checks = (H.is_positive_definite, H.is_negative_definite, H.is_indefinite)
    if None in checks:
        return _classify_numerically(H)
    for holds, kind in zip(checks, ("minimum", "maximum", "saddle"), strict=True):
        if holds:
            return kind
    return "degenerate"


def _classify_numerically(H: sp.Matrix) -> str:
    """The kind of a stationary point from H's eigenvalues computed to 30 digits."""
    with mpmath.workdps(30):
        entries = [[mpmath.mpf(str(sp.re(e).evalf(30))) for e in row] for row in H.tolist()]
        eigenvalues, _ = mpmath.eigsy(mpmath.matrix(entries))
        tolerance = mpmath.mpf("1e-20") * max(1, *(abs(e) for e in eigenvalues))
        positive = any(e > tolerance for e in eigenvalues)
        negative = any(e < -tolerance for e in eigenvalues)
        zero = any(abs(e) <= tolerance for e in eigenvalues)
    if positive and negative:
        return "saddle"
    if zero:
        return "degenerate"
    return "minimum" if positive else "maximum"


def compile_numeric(expr: sp.Expr | sp.Matrix, variables: Variables) -> Callable[..., np.ndarray]:
    """A NumPy function of the variables' values; a Matrix gives arrays of shape (*batch, rows, cols)."""
    if isinstance(expr, sp.MatrixBase):
        shape = expr.shape
        entries = sp.lambdify(list(variables), list(expr), "numpy", docstring_limit=0)

        def evaluate_matrix(*values: Any) -> np.ndarray:
            flat = np.broadcast_arrays(*(np.asarray(e, dtype=float) for e in entries(*values)))
            return np.stack(flat, axis=-1).reshape(flat[0].shape + shape)

        return evaluate_matrix
    scalar = sp.lambdify(list(variables), expr, "numpy", docstring_limit=0)

    def evaluate(*values: Any) -> np.ndarray:
        return np.broadcast_to(
            np.asarray(scalar(*values), dtype=float), np.broadcast(*values).shape
        )

    return evaluate


# Mistake generators: each returns the answer a learner who makes that slip would give.


def partials_others_zeroed(expr: sp.Expr, variables: Variables) -> list[sp.Expr]:
    """∂f/∂x_i with the other variables set to 0 instead of held constant (mixed terms lost)."""
    return [
        sp.diff(expr.subs({w: 0 for w in variables if w != v}, simultaneous=True), v)
        for v in variables
    ]


def jacobian_transposed(exprs: Sequence[sp.Expr] | sp.Matrix, variables: Variables) -> sp.Matrix:
    """Jᵀ: one row per input, one column per output."""
    return jacobian(exprs, variables).T


def total_derivative_without_path_factors(
    expr: sp.Expr, path: Mapping[sp.Symbol, sp.Expr], t: sp.Symbol
) -> sp.Expr:
    """Σ ∂f/∂x_i along the path, without multiplying by dx_i/dt."""
    return sum(
        (sp.diff(expr, x).subs(path, simultaneous=True) for x in path),
        sp.diff(expr, t).subs(path, simultaneous=True),
    )


def chain_missing_inner(outer: sp.Expr, u: sp.Symbol, inner: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """d/dx f(g(x)) given as f′(g(x)), without the inner factor g′(x); outer is f(u)."""
    return sp.diff(outer, u).subs(u, inner)


def chain_outer_at_x(outer: sp.Expr, u: sp.Symbol, inner: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """d/dx f(g(x)) given as f′(x)·g′(x): the outer derivative taken at x, not at g(x)."""
    return sp.diff(outer, u).subs(u, var) * sp.diff(inner, var)


def chain_outer_of_inner_derivative(
    outer: sp.Expr, u: sp.Symbol, inner: sp.Expr, var: sp.Symbol
) -> sp.Expr:
    """d/dx f(g(x)) given as f′(g′(x))."""
    return sp.diff(outer, u).subs(u, sp.diff(inner, var))


def chain_reversed(jacobians: Sequence[sp.Matrix]) -> sp.Matrix:
    """The chain multiplied from the inside out, J_k … J_1 (raises when the shapes forbid it)."""
    return chain_rule(list(reversed(jacobians)))


def product_of_derivatives(u: sp.Expr, v: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """(uv)′ given as u′v′."""
    return sp.diff(u, var) * sp.diff(v, var)


def product_missing_term(u: sp.Expr, v: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """(uv)′ given as u′v, without the uv′ term."""
    return sp.diff(u, var) * v


def quotient_numerator_reversed(u: sp.Expr, v: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """(u/v)′ given as (uv′ − u′v)/v²."""
    return (u * sp.diff(v, var) - sp.diff(u, var) * v) / v**2


def quotient_missing_square(u: sp.Expr, v: sp.Expr, var: sp.Symbol) -> sp.Expr:
    """(u/v)′ given as (u′v − uv′)/v, the denominator not squared."""
    return (sp.diff(u, var) * v - u * sp.diff(v, var)) / v


def taylor_without_factorial(expr: sp.Expr, var: sp.Symbol, about: sp.Expr, order: int) -> sp.Expr:
    """Σ f⁽ᵏ⁾(a)(x − a)ᵏ, the coefficients not divided by k!."""
    return sum(
        c * sp.factorial(k) * (var - about) ** k
        for k, c in enumerate(_taylor_coefficients(expr, var, about, order))
    )


def taylor_in_powers_of_x(expr: sp.Expr, var: sp.Symbol, about: sp.Expr, order: int) -> sp.Expr:
    """Σ f⁽ᵏ⁾(a)/k! · xᵏ, powers of x instead of (x − a)."""
    return sum(c * var**k for k, c in enumerate(_taylor_coefficients(expr, var, about, order)))


def taylor_derivatives_at_zero(
    expr: sp.Expr, var: sp.Symbol, about: sp.Expr, order: int
) -> sp.Expr:
    """Σ f⁽ᵏ⁾(0)/k! · (x − a)ᵏ, the derivatives taken at 0 instead of a."""
    return sum(
        c * (var - about) ** k for k, c in enumerate(_taylor_coefficients(expr, var, 0, order))
    )


def taylor_nd_without_half(expr: sp.Expr, variables: Variables, about: Point) -> sp.Expr:
    """f(a) + JΔ + ΔᵀHΔ, the quadratic term without its ½."""
    value, J, H, delta = _taylor_nd_terms(expr, variables, about)
    return value + (J * delta)[0] + (delta.T * H * delta)[0]


def taylor_nd_cross_halved(expr: sp.Expr, variables: Variables, about: Point) -> sp.Expr:
    """f(a) + JΔ + ½ΔᵀHΔ with each mixed term f_ij Δ_i Δ_j halved (½·2f_ij forgotten)."""
    value, J, H, delta = _taylor_nd_terms(expr, variables, about)
    halved = sp.Matrix(H.rows, H.cols, lambda i, j: H[i, j] if i == j else H[i, j] / 2)
    return value + (J * delta)[0] + sp.Rational(1, 2) * (delta.T * halved * delta)[0]


def linearise_unevaluated_jacobian(expr: sp.Expr, variables: Variables, about: Point) -> sp.Expr:
    """f(a) + J(x)(x − a): the Jacobian left as a function of x instead of evaluated at a."""
    value, _, _, delta = _taylor_nd_terms(expr, variables, about, order=0)
    return value + (gradient(expr, variables).T * delta)[0]


def classify_by_determinant(H: sp.Matrix) -> str:
    """Calls every point with det H > 0 a minimum (the sign of f_xx ignored)."""
    det = H.det()
    if det > 0:
        return "minimum"
    return "saddle" if det < 0 else "degenerate"


MISTAKES: dict[str, Callable[..., Any]] = {
    "partials-others-zeroed": partials_others_zeroed,
    "jacobian-transposed": jacobian_transposed,
    "total-derivative-no-path-factors": total_derivative_without_path_factors,
    "chain-missing-inner": chain_missing_inner,
    "chain-outer-at-x": chain_outer_at_x,
    "chain-outer-of-inner-derivative": chain_outer_of_inner_derivative,
    "chain-reversed": chain_reversed,
    "product-of-derivatives": product_of_derivatives,
    "product-missing-term": product_missing_term,
    "quotient-numerator-reversed": quotient_numerator_reversed,
    "quotient-missing-square": quotient_missing_square,
    "taylor-no-factorial": taylor_without_factorial,
    "taylor-powers-of-x": taylor_in_powers_of_x,
    "taylor-derivatives-at-zero": taylor_derivatives_at_zero,
    "taylor-nd-no-half": taylor_nd_without_half,
    "taylor-nd-cross-halved": taylor_nd_cross_halved,
    "linearise-unevaluated-jacobian": linearise_unevaluated_jacobian,
    "classify-by-determinant": classify_by_determinant,
}
