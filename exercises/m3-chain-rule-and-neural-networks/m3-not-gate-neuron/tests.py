"""Tests for m3-not-gate-neuron: steepest descent for one tanh neuron, against
grader.reference.neuron; each slip of the chain rule is recognised by the (w, b) it returns."""

import numpy as np

from grader.answers.code_cases import Case, Mistake
from grader.reference import neuron

FEEDBACK = {
    "missing-slope": "The slope of tanh is missing: ∂C/∂z = 2(a − y)·(1 − a²), not 2(a − y).",
    "slope-at-z": "tanh′(z) = 1 − tanh²(z) = 1 − a², not 1 − z²: square the activation, not z.",
    "ascent": "Your steps climb the cost: move against the gradient, w − rate·∂C/∂w.",
    "missing-factor-two": "∂/∂a of (a − y)² is 2(a − y): the factor 2 is missing.",
    "bias-times-input": "∂z/∂b = 1, so ∂C/∂b has no factor x (only ∂C/∂w does).",
}
NOT_X, NOT_Y = np.array([0.0, 1.0]), np.array([1.0, 0.0])


def training_case(w, b, x, y, rate, steps, name, visible):
    return Case(
        args=(w, b, x, y, rate, steps),
        expected=neuron.train(w, b, x, y, rate, steps),
        name=name,
        rtol=1e-7,
        atol=1e-9,
        visible=visible,
        not_mutated=True,
        mistakes=[
            Mistake(neuron.train(w, b, x, y, rate, steps, slip), text, slip)
            for slip, text in FEEDBACK.items()
        ],
    )


def cases(params, rng):
    found = [
        training_case(
            1.0, 0.5, NOT_X, NOT_Y, 0.1, 1, "NOT gate: one step from w = 1, b = 0.5", True
        ),
        training_case(
            0.5, -0.2, NOT_X, NOT_Y, 0.1, 300, "NOT gate: 300 steps from w = 0.5, b = −0.2", True
        ),
    ]
    for index in range(3):
        x = rng.uniform(-1, 1, 6)
        y = rng.uniform(-0.8, 0.8, 6)
        w, b = rng.uniform(-0.5, 0.5, 2)
        found.append(
            training_case(w, b, x, y, 0.05, 40, f"six random pairs, case {index + 1}", False)
        )
    return found
