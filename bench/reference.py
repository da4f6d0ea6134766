"""Speed of the reference library against baselines measured in the same run.

1. `backprop` against autograd's reverse mode on the course's 1-6-7-2 network (N = 100) and on a
   784-128-64-10 network (N = 256). Target: ratio (autograd time / ours) ≥ 1.
2. `jacobian` + `hessian` + `compile_numeric` evaluated at 1,000 points against the same
   derivatives evaluated point by point with SymPy's `evalf(subs=…)`. Target: ratio ≥ 100.

Run: python bench/reference.py
"""

import sys
import time
from pathlib import Path

import autograd.numpy as anp
import numpy as np
import sympy as sp
from autograd import grad

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.reference.calculus import compile_numeric, hessian, jacobian
from grader.reference.nn import backprop, init_params


def best_time(run, repeats: int, number: int) -> float:
    """The best of `repeats` averages over `number` calls, in seconds (the least noisy figure)."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(number):
            run()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def autograd_cost(params, x, y):
    """The same cost, written for autograd: ‖a_L − y‖²_F / N with logistic activations."""
    a = x
    for W, b in params:
        a = 1 / (1 + anp.exp(-(anp.dot(W, a) + b)))
    return anp.sum((a - y) ** 2) / x.shape[1]


def bench_backprop(sizes: list[int], N: int, number: int) -> tuple[float, float, float]:
    """(ours, autograd, largest difference between the two gradients)."""
    params = init_params(sizes, seed=0)
    rng = np.random.default_rng(1)
    x, y = rng.uniform(0, 1, (sizes[0], N)), rng.uniform(0, 1, (sizes[-1], N))
    autograd_backprop = grad(autograd_cost)
    difference = max(
        np.abs(ours - theirs).max()
        for pair, other in zip(backprop(params, x, y), autograd_backprop(params, x, y), strict=True)
        for ours, theirs in zip(pair, other, strict=True)
    )
    ours = best_time(lambda: backprop(params, x, y), repeats=5, number=number)
    theirs = best_time(lambda: autograd_backprop(params, x, y), repeats=5, number=number)
    return ours, theirs, difference


def bench_compiled_evaluation(n_points: int) -> tuple[float, float, float]:
    """(compiled, evalf(subs=…), largest difference) for J and H of a 3-variable map at n points."""
    x, y, z = variables = sp.symbols("x y z", real=True)
    f = sp.exp(-(x**2) - y**2) * sp.sin(x * y + z) + sp.log(1 + x**2 + z**2)
    F = [f, x * y * z, sp.sin(x) + sp.cos(y * z)]
    points = np.random.default_rng(2).uniform(-2, 2, (n_points, 3))

    def compiled():
        J_at = compile_numeric(jacobian(F, variables), variables)(*points.T)
        H_at = compile_numeric(hessian(f, variables), variables)(*points.T)
        return J_at, H_at

    def evalf_point_by_point():
        J, H = jacobian(F, variables), hessian(f, variables)
        J_at, H_at = [], []
        for point in points:
            at = dict(zip(variables, point, strict=True))
            J_at.append(np.array(J.evalf(subs=at), dtype=float))
            H_at.append(np.array(H.evalf(subs=at), dtype=float))
        return np.array(J_at), np.array(H_at)

    fast, slow = compiled(), evalf_point_by_point()
    difference = max(np.abs(a - b).max() for a, b in zip(fast, slow, strict=True))
    return (
        best_time(compiled, repeats=5, number=1),
        best_time(evalf_point_by_point, repeats=1, number=1),
        difference,
    )


def main() -> None:
    rows = []
    for sizes, N, number in (([1, 6, 7, 2], 100, 500), ([784, 128, 64, 10], 256, 30)):
        ours, theirs, difference = bench_backprop(sizes, N, number)
        label = f"backprop {'-'.join(map(str, sizes))}, N={N}"
        rows.append((label, ours, "autograd", theirs, theirs / ours, 1, difference))
    compiled, evalf, difference = bench_compiled_evaluation(1000)
    rows.append(
        (
            "J+H compiled, 1000 pts",
            compiled,
            "evalf(subs)",
            evalf,
            evalf / compiled,
            100,
            difference,
        )
    )

    print(
        f"{'case':<34}{'ours':>11}  {'baseline':<12}{'time':>11}{'ratio':>10}{'target':>9}  max |diff|"
    )
    for label, ours, baseline, theirs, ratio, target, difference in rows:
        verdict = "ok" if ratio >= target else "MISSED"
        print(
            f"{label:<34}{ours * 1e3:>9.3f}ms  {baseline:<12}{theirs * 1e3:>9.3f}ms"
            f"{ratio:>9.1f}x{'≥' + str(target) + 'x':>8} {verdict:<6} {difference:.1e}"
        )


if __name__ == "__main__":
    main()
