"""Tests for m3-backprop-assignment: the 1-6-7-2 sigmoid network of the course, parameters in a dict.

Every learner function is called through the provided `assignment(name, *args)`, so that one code
part can test d_sigma and the six Jacobians separately, each with its own weight and diagnoses.
Expected values and the learners' slips come from grader.reference.nn.
"""

import numpy as np

from grader import figures
from grader.answers.code_cases import Case, Check, Mistake, SessionScore, SessionTest, call_value
from grader.reference import nn

SIZES = (1, 6, 7, 2)
# (function, layer, which of (dW, db)) with the catalogue's weights.
JACOBIANS = {
    "J_W3": (3, 0, 10.0),
    "J_b3": (3, 1, 10.0),
    "J_W2": (2, 0, 15.0),
    "J_b2": (2, 1, 15.0),
    "J_W1": (1, 0, 20.0),
    "J_b1": (1, 1, 20.0),
}
RTOL, ATOL = 1e-6, 1e-12


def as_dict(layers):
    """[(W1, b1), (W2, b2), (W3, b3)] as the dict P the learner receives."""
    P = {}
    for index, (W, b) in enumerate(layers, start=1):
        P[f"W{index}"], P[f"b{index}"] = W, b
    return P


def curve(rng, N):
    """x = k/N as a (1, N) array, and a random closed Fourier curve rescaled into [0.1, 0.9]²."""
    t = np.arange(N) / N
    k = np.arange(1, 5)[:, None]
    coordinates = []
    for _ in range(2):
        a, b = rng.normal(0, 1 / k), rng.normal(0, 1 / k)
        values = (a * np.cos(2 * np.pi * k * t) + b * np.sin(2 * np.pi * k * t)).sum(axis=0)
        spread = values.max() - values.min()
        coordinates.append(0.1 + 0.8 * (values - values.min()) / spread)
    return t[None, :], np.array(coordinates)


def slips(layers, x, y):
    """(rule, feedback, gradients) for each slip the catalogue diagnoses."""
    found = [
        (
            f"missing-slope-layer-{layer}",
            f"σ′(z{layer}) is missing at layer {layer}: δ{layer} needs the factor σ′(z{layer}).",
            nn.backprop_without_slope(layers, x, y, layer),
        )
        for layer in (3, 2, 1)
    ]
    return [
        *found,
        (
            "slope-at-activation",
            "σ′ takes z, not the activation: use σ′(z_l), not σ′(a_l).",
            nn.backprop_slope_at_activation(layers, x, y),
        ),
        *(
            (
                f"slope-at-activation-layer-{layer}",
                f"At layer {layer}, σ′ takes z{layer}, not the activation a{layer}: "
                f"use σ′(z{layer}) = σ(z{layer})(1 − σ(z{layer})).",
                nn.backprop_slope_at_activation(layers, x, y, layer),
            )
            for layer in (3, 2, 1)
        ),
        (
            "missing-mean",
            "Average over the N training examples: divide by N = x.shape[1].",
            nn.backprop_without_mean(layers, x, y),
        ),
        (
            "wrong-sign",
            "Check the sign: ∂C/∂a3 = 2(a3 − y), not 2(y − a3).",
            nn.backprop_wrong_sign(layers, x, y),
        ),
        (
            "half-gradient",
            "Your gradients are half the right ones: either the factor 2 of "
            "d(a3 − y)²/da3 = 2(a3 − y) is missing, or you divided by y.size (= 2N: y has two "
            "rows) instead of N = x.shape[1].",
            nn.backprop_without_factor_two(layers, x, y),
        ),
        (
            "previous-z-for-activation",
            "∂z_l/∂W_l is the previous activation a_{l−1}, not z_{l−1}.",
            nn.backprop_previous_z(layers, x, y),
        ),
        (
            "bias-not-summed",
            "Sum over the training examples: J_b = δ.sum(axis=1, keepdims=True) / N.",
            nn.backprop_bias_not_summed(layers, x, y),
        ),
    ]


def matches_finite_differences(name, layers, x, y):
    """The returned Jacobian agrees with central differences of the cost (h = 1e-6)."""
    layer, which, _ = JACOBIANS[name]

    def cost_at(value):
        changed = [list(pair) for pair in layers]
        changed[layer - 1][which] = value
        return nn.cost([tuple(pair) for pair in changed], x, y)

    estimate = nn.numerical_gradient(cost_at, layers[layer - 1][which])

    def passes(actual, args):
        actual = np.asarray(actual, dtype=float)
        scale = np.linalg.norm(estimate) + 1e-12
        return actual.shape == estimate.shape and np.linalg.norm(actual - estimate) <= 1e-5 * scale

    return Check(
        "finite differences",
        passes,
        f"{name} disagrees with a finite-difference estimate of ∂C/∂{name[2:]}.",
    )


def untransposed_weights(layers):
    """δ carried back through W_k instead of W_kᵀ: numpy refuses the product.

    The slip shows as numpy's ValueError for those shapes, from `@`/`np.matmul` or `np.dot`
    (in any Jacobian: a learner may compute every δ for each of them).
    """
    found = []
    for k in range(2, len(layers) + 1):
        rows, columns = layers[k - 1][0].shape
        message = (
            rf"size {rows} is different from {columns}\)"
            rf"|shapes \({rows},{columns}\) and \({rows},\d+\) not aligned"
        )
        feedback = (
            f"δ goes back through the transposed weights: δ{k - 1} = (W{k}ᵀ δ{k}) ⊙ σ′(z{k - 1}). "
            f"W{k} itself, of shape {rows}×{columns}, cannot multiply δ{k}."
        )
        found.append(Mistake(None, feedback, "weights-not-transposed", "ValueError", message))
    return found


def jacobian_case(name, layers, x, y, label, visible):
    layer, which, weight = JACOBIANS[name]
    expected = nn.backprop(layers, x, y)[layer - 1][which]
    mistakes = untransposed_weights(layers)
    for rule, feedback, gradients in slips(layers, x, y):
        value = gradients[layer - 1][which]
        if value.shape != expected.shape or not np.allclose(value, expected, rtol=1e-4):
            mistakes.append(Mistake(value, feedback, rule))
    return Case(
        args=(name, as_dict(layers), x, y),
        expected=expected,
        name=f"{name}, {label}",
        visible=visible,
        weight=weight,
        rtol=RTOL,
        atol=ATOL,
        mistakes=mistakes,
        checks=[matches_finite_differences(name, layers, x, y)] if visible else [],
        not_mutated=True,
    )


def d_sigma_case(z, label, visible, weight):
    return Case(
        args=("d_sigma", z),
        expected=nn.d_sigmoid(z),
        name=f"d_sigma, {label}",
        visible=visible,
        weight=weight,
        rtol=1e-9,
        atol=1e-12,
        mistakes=[
            Mistake(
                nn.d_sigmoid_in_z(z),
                "σ′(z) = σ(z)(1 − σ(z)): the second factor is 1 − σ(z), not 1 − z.",
                "d-sigmoid-in-z",
            ),
            Mistake(
                nn.sigmoid(z),
                "You returned σ(z) itself; the task is σ′(z).",
                "sigma-not-derivative",
            ),
        ],
        not_mutated=True,
    )


def as_layers(P):
    """The dict P back as [(W1, b1), (W2, b2), (W3, b3)]."""
    return [(P[f"W{index}"], P[f"b{index}"]) for index in range(1, len(SIZES))]


def training_curve(start, yours, want):
    """The cost at each step of the learner's run against the reference's."""
    reference = [start, *want]
    mine = [start, *yours]
    return figures.figure(
        "The cost at each step of gradient descent with your Jacobians, against the reference",
        [
            figures.series("your run", range(len(mine)), mine, "line"),
            figures.series("reference", range(len(reference)), reference, "dashed"),
        ],
        x_label="step",
        y_label="cost",
        y_range=figures.span([*reference, *mine], 0.1),  # a cost is at most about 2
    )


def training_session(layers, x, y, steps=50, rate=5.0):
    """Plain gradient descent driven by the learner's six Jacobians follows the reference cost
    curve (to 1e-6 relative) step by step; the whole run is drawn against the reference's."""
    P, want = as_dict(layers), []
    for _ in range(steps):
        gradients = nn.backprop(as_layers(P), x, y)
        for index, (dW, db) in enumerate(gradients, start=1):
            P[f"W{index}"], P[f"b{index}"] = P[f"W{index}"] - rate * dW, P[f"b{index}"] - rate * db
        want.append(nn.cost(as_layers(P), x, y))
    start = nn.cost(layers, x, y)

    def drive(session):
        P, costs, first_off = as_dict(layers), [], None
        for step in range(steps):
            outcomes = session.call_each(*[(name, P, x, y) for name in JACOBIANS])
            jacobians = {name: call_value(o) for name, o in zip(JACOBIANS, outcomes, strict=True)}
            for name, value in jacobians.items():
                if not isinstance(value, np.ndarray) or value.shape != P[name[2:]].shape:
                    text = f"{name} did not return an array of {name[2:]}'s shape."
                    return SessionScore(0.0, text, figures=[training_curve(start, costs, want)])
            P = {key: P[key] - rate * jacobians[f"J_{key}"] for key in P}
            with np.errstate(all="ignore"):
                costs.append(nn.cost(as_layers(P), x, y))
            if first_off is None and not abs(costs[-1] - want[step]) <= 1e-6 * abs(want[step]):
                first_off = step
        drawn = [training_curve(start, costs, want)]
        if first_off is not None:
            cost, right = costs[first_off], want[first_off]
            text = f"after step {first_off + 1} the cost is {cost:.8g}; with the right Jacobians it is {right:.8g}"
            return SessionScore(0.0, text, {"step": first_off + 1}, figures=drawn)
        text = f"the cost fell from {start:.6g} to {want[-1]:.6g}, as it should"
        return SessionScore(1.0, text, figures=drawn)

    name = f"{steps} steps of gradient descent (step size {rate:g}) with your Jacobians"
    return SessionTest(name, drive, budget=steps * len(JACOBIANS), weight=30.0)


def cases(params, rng):
    seed = int(params["seed"])
    data = np.random.default_rng(seed)
    found = [
        d_sigma_case(np.array([-2.0, 0.0, 2.0]), "three values", True, 2.0),
        d_sigma_case(rng.uniform(-10, 10, 1000), "1000 values in [−10, 10]", False, 8.0),
    ]
    small = (nn.init_params(SIZES, seed), *curve(data, 7))
    found += [jacobian_case(name, *small, "N = 7", True) for name in JACOBIANS]
    for draw in range(2):
        layers = nn.init_params(SIZES, seed + 1 + draw)
        x, y = curve(data, 100)
        label = f"N = 100, parameters {draw + 1}"
        found += [jacobian_case(name, layers, x, y, label, False) for name in JACOBIANS]
    found.append(training_session(nn.init_params(SIZES, seed), *curve(data, 100)))
    return found
