"""Function descriptors: the fixed vocabulary of callables an exercise may pass to learner code.

The trusted side sends data (coefficients, matrices); this module turns it into plain Python
functions inside the sandbox. Nothing here evaluates text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np


def polynomial(coefficients: Any) -> Callable[[float], float]:
    """p(x) from its coefficients, highest power first (as numpy.polyval)."""
    c = [float(value) for value in np.asarray(coefficients, dtype=float).ravel()]

    def p(x: Any) -> Any:
        result = 0.0 * x
        for value in c:
            result = result * x + value
        return result

    return p


def quadratic(A: Any, b: Any) -> Callable[[Any], float]:
    """f(x) = ½ xᵀAx − bᵀx."""
    A, b = np.array(A, dtype=float), np.array(b, dtype=float)
    return lambda x: float(0.5 * np.asarray(x) @ A @ np.asarray(x) - b @ np.asarray(x))


def quadratic_gradient(A: Any, b: Any) -> Callable[[Any], np.ndarray]:
    """∇f(x) = Ax − b for f(x) = ½ xᵀAx − bᵀx."""
    A, b = np.array(A, dtype=float), np.array(b, dtype=float)
    return lambda x: A @ np.asarray(x, dtype=float) - b


VOCABULARY: dict[str, Callable[..., Callable[..., Any]]] = {
    "polynomial": polynomial,
    "quadratic": quadratic,
    "quadratic_gradient": quadratic_gradient,
}


def make_function(kind: Any, args: list[Any]) -> Callable[..., Any]:
    """The callable a descriptor names; unknown kinds are a protocol error."""
    if kind not in VOCABULARY:
        raise ValueError(f"unknown function descriptor {kind!r}")
    return VOCABULARY[kind](*args)
