"""Feed-forward networks and backpropagation in the course's notation (NumPy).

Layer l = 1..L has weights W_l (n_l × n_{l−1}) and bias b_l (n_l × 1); a_0 = x is (n_0 × N), one
column per training example; z_l = W_l a_{l−1} + b_l, a_l = σ(z_l); the cost is
C = ‖a_L − y‖²_F / N. Backpropagation: δ_L = 2(a_L − y) ⊙ σ′(z_L), δ_l = (W_{l+1}ᵀ δ_{l+1}) ⊙ σ′(z_l),
∂C/∂W_l = δ_l a_{l−1}ᵀ / N, ∂C/∂b_l = Σ_columns δ_l / N.

Mistake generators (rule name → what it distorts), collected in `MISTAKES`; each takes the
arguments of `backprop` (plus `layer` where it names one) and returns `[(dW, db), …]`:
- `missing-slope`: σ′(z_l) left out at one layer.
- `slope-at-activation`: σ′ evaluated at a_l instead of z_l (at one layer, or all).
- `untransposed-weights`: δ carried back with W_{l+1} instead of W_{l+1}ᵀ (raises ValueError naming
  the layer when the shapes do not fit, which is what the learner sees).
- `missing-mean`: no 1/N (sums over the examples instead of averaging).
- `wrong-sign`: y − a_L instead of a_L − y.
- `missing-factor-two`: δ_L = (a_L − y) ⊙ σ′(z_L).
- `previous-z-for-activation`: ∂C/∂W_l = δ_l z_{l−1}ᵀ / N for l ≥ 2.
- `bias-not-summed`: ∂C/∂b_l = δ_l / N, one column per example.
Activation slips, with the signature of the derivative they distort:
- `d-sigmoid-in-z`: σ′(z) written as σ(z)(1 − z).
- `d-tanh-plus`: tanh′(z) written as 1 + tanh²z.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit

Params = Sequence[tuple[np.ndarray, np.ndarray]]
Gradients = list[tuple[np.ndarray, np.ndarray]]
Activation = Callable[[np.ndarray], np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1/(1 + e⁻ᶻ), computed without overflow."""
    value: np.ndarray = expit(z)  # SciPy ships no types
    return value


def d_sigmoid(z: np.ndarray) -> np.ndarray:
    """σ′(z) = σ(z)(1 − σ(z)) (equal to 1/(4cosh²(z/2)))."""
    slope: np.ndarray = sigmoid(z) * sigmoid(-z)  # 1 − σ(z) = σ(−z): no cancellation for large z
    return slope


def tanh(z: np.ndarray) -> np.ndarray:
    """tanh z."""
    value: np.ndarray = np.tanh(z)
    return value


def d_tanh(z: np.ndarray) -> np.ndarray:
    """tanh′(z) = 1 − tanh²z = sech²z."""
    return 1 - tanh(z) ** 2


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z)."""
    value: np.ndarray = np.maximum(z, 0.0)
    return value


def d_relu(z: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0 (the derivative at the kink is taken as 0)."""
    return (np.asarray(z) > 0).astype(float)


def softplus(z: np.ndarray) -> np.ndarray:
    """ln(1 + eᶻ), computed without overflow."""
    value: np.ndarray = np.logaddexp(0.0, z)
    return value


def d_softplus(z: np.ndarray) -> np.ndarray:
    """softplus′(z) = σ(z)."""
    return sigmoid(z)


ACTIVATIONS: dict[str, tuple[Activation, Activation]] = {
    "sigmoid": (sigmoid, d_sigmoid),
    "tanh": (tanh, d_tanh),
    "relu": (relu, d_relu),
    "softplus": (softplus, d_softplus),
}


def _activation(name: str) -> tuple[Activation, Activation]:
    """The activation σ and its derivative σ′ by name."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; use one of {sorted(ACTIVATIONS)}") from None


def init_params(sizes: Sequence[int], seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """[(W_l, b_l)] for layer sizes n_0, …, n_L, every entry drawn from N(0, 0.5²)."""
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(0.0, 0.5, (n_out, n_in)), rng.normal(0.0, 0.5, (n_out, 1)))
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def feed_forward(
    params: Params, a0: np.ndarray, activation: str = "sigmoid"
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """([z_1, …, z_L], [a_0, a_1, …, a_L]) with z_l = W_l a_{l−1} + b_l and a_l = σ(z_l)."""
    sigma, _ = _activation(activation)
    z, a = [], [a0]
    for W, b in params:
        z.append(W @ a[-1] + b)
        a.append(sigma(z[-1]))
    return z, a


def cost(params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid") -> float:
    """C = ‖a_L − y‖²_F / N, the squared error summed over outputs, averaged over the N examples."""
    _, a = feed_forward(params, x, activation)
    return float(np.sum((a[-1] - y) ** 2) / x.shape[1])


def backprop(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """[(∂C/∂W_l, ∂C/∂b_l) for l = 1..L], each of its parameter's shape."""
    return _backprop(params, x, y, activation, _Slip())


@dataclass(frozen=True)
class _Slip:
    """Which mistake to make in `_backprop`; the default makes none."""

    no_slope_at: frozenset[int] = field(default_factory=frozenset)
    slope_of_a_at: frozenset[int] = field(default_factory=frozenset)
    untransposed: bool = False
    output_factor: float = 2.0
    averaged: bool = True
    previous_z: bool = False
    bias_summed: bool = True


def _backprop(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str, slip: _Slip
) -> Gradients:
    """Backpropagation, optionally with one of the learners' slips."""
    _, d_sigma = _activation(activation)
    z, a = feed_forward(params, x, activation)  # z[layer - 1] is z_layer, a[layer] is a_layer
    N = x.shape[1] if slip.averaged else 1
    L = len(params)
    gradients: Gradients = []
    dC_da = slip.output_factor * (a[L] - y)  # N·∂C/∂a_L = 2(a_L − y)
    for layer in range(L, 0, -1):  # from the output layer back to the first
        slope = d_sigma(a[layer] if layer in slip.slope_of_a_at else z[layer - 1])
        delta = dC_da if layer in slip.no_slope_at else dC_da * slope  # δ_l = N·∂C/∂z_l
        a_prev = z[layer - 2] if slip.previous_z and layer >= 2 else a[layer - 1]
        db = delta.sum(axis=1, keepdims=True) if slip.bias_summed else delta
        gradients.insert(0, (delta @ a_prev.T / N, db / N))
        if layer > 1:  # carry δ_l back: N·∂C/∂a_{l−1} = W_lᵀ δ_l
            W = params[layer - 1][0]
            dC_da = _carry_back(W, delta, layer) if slip.untransposed else W.T @ delta
    return gradients


def _carry_back(W: np.ndarray, delta: np.ndarray, layer: int) -> np.ndarray:
    """W_l δ_l, the untransposed product a learner writes, or the error they would meet."""
    if W.shape[1] != delta.shape[0]:
        raise ValueError(
            f"W{layer} @ delta{layer} does not fit: W{layer} is {W.shape[0]}×{W.shape[1]} and "
            f"delta{layer} has {delta.shape[0]} rows; back-propagate with W{layer}.T"
        )
    carried: np.ndarray = W @ delta
    return carried


def numerical_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """∂f/∂x by central differences (f(x + h e_i) − f(x − h e_i))/2h, for x of any shape; x is left alone."""
    x = np.array(x, dtype=float)  # a working copy: the caller's array is never changed
    grad = np.empty_like(x)
    for i in np.ndindex(x.shape):
        original = x[i]
        x[i] = original + h
        up = f(x)
        x[i] = original - h
        down = f(x)
        x[i] = original
        grad[i] = (up - down) / (2 * h)
    return grad


def gradient_check(
    f: Callable[[np.ndarray], float], grad: Callable[[np.ndarray], np.ndarray], x: np.ndarray
) -> float:
    """‖grad(x) − g_num‖ / (‖g_num‖ + 1e-12), the relative error against central differences."""
    numerical = numerical_gradient(f, x)
    return float(
        np.linalg.norm(np.asarray(grad(x)) - numerical) / (np.linalg.norm(numerical) + 1e-12)
    )


# Mistake generators: each returns the gradients a learner who makes that slip would compute.


def backprop_without_slope(
    params: Params, x: np.ndarray, y: np.ndarray, layer: int, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation with σ′(z_layer) left out at one layer (1-based)."""
    return _backprop(params, x, y, activation, _Slip(no_slope_at=frozenset({layer})))


def backprop_slope_at_activation(
    params: Params,
    x: np.ndarray,
    y: np.ndarray,
    layer: int | None = None,
    activation: str = "sigmoid",
) -> Gradients:
    """Backpropagation with σ′(a_l) instead of σ′(z_l), at one layer or (layer=None) all."""
    layers = range(1, len(params) + 1) if layer is None else [layer]
    return _backprop(params, x, y, activation, _Slip(slope_of_a_at=frozenset(layers)))


def backprop_untransposed(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation carrying δ back with W instead of Wᵀ (raises ValueError when it cannot fit)."""
    return _backprop(params, x, y, activation, _Slip(untransposed=True))


def backprop_without_mean(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation summed over the examples instead of averaged (no 1/N)."""
    return _backprop(params, x, y, activation, _Slip(averaged=False))


def backprop_wrong_sign(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation from y − a_L instead of a_L − y (every gradient negated)."""
    return _backprop(params, x, y, activation, _Slip(output_factor=-2.0))


def backprop_without_factor_two(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation from δ_L = (a_L − y) ⊙ σ′(z_L), the 2 of the square forgotten."""
    return _backprop(params, x, y, activation, _Slip(output_factor=1.0))


def backprop_previous_z(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation with ∂C/∂W_l = δ_l z_{l−1}ᵀ / N (the pre-activation, not a_{l−1}) for l ≥ 2."""
    return _backprop(params, x, y, activation, _Slip(previous_z=True))


def backprop_bias_not_summed(
    params: Params, x: np.ndarray, y: np.ndarray, activation: str = "sigmoid"
) -> Gradients:
    """Backpropagation with ∂C/∂b_l = δ_l / N left as one column per example (shape n_l × N)."""
    return _backprop(params, x, y, activation, _Slip(bias_summed=False))


def d_sigmoid_in_z(z: np.ndarray) -> np.ndarray:
    """σ′ written as σ(z)(1 − z)."""
    slope: np.ndarray = sigmoid(z) * (1 - z)
    return slope


def d_tanh_plus(z: np.ndarray) -> np.ndarray:
    """tanh′ written as 1 + tanh²z."""
    return 1 + tanh(z) ** 2


MISTAKES: dict[str, Callable[..., Any]] = {
    "missing-slope": backprop_without_slope,
    "slope-at-activation": backprop_slope_at_activation,
    "untransposed-weights": backprop_untransposed,
    "missing-mean": backprop_without_mean,
    "wrong-sign": backprop_wrong_sign,
    "missing-factor-two": backprop_without_factor_two,
    "previous-z-for-activation": backprop_previous_z,
    "bias-not-summed": backprop_bias_not_summed,
    "d-sigmoid-in-z": d_sigmoid_in_z,
    "d-tanh-plus": d_tanh_plus,
}
