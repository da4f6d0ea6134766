"""Golden variants of modules 3, 5 and 6: pinned seeds keep their parameters, and answers
computed independently with NumPy get full marks."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exercises.loader import build_definition, read_bank
from grader import grade
from grader.params import draw_params
from grader.placeholders import fill
from grader.results import Verdict

BANK = Path(__file__).resolve().parent.parent / "exercises"

GOLDEN = {
    ("m5-newton-iterate", 1): {"r1": -3, "r2": 0, "r3": 4, "k": -2, "x0": -6},
    ("m5-newton-iterate", 2): {"r1": -2, "r2": 1, "r3": 4, "k": 1, "x0": 5},
    ("m6-linfit-by-hand", 1): {
        "M": -1, "C": 0, "s": 3, "e1": 2, "e2": -2, "e3": -2, "e4": 2, "e5": 2, "e6": -1,
    },
    ("m6-linfit-by-hand", 2): {
        "M": 3, "C": -3, "s": -1, "e1": -1, "e2": 0, "e3": 2, "e4": 0, "e5": -2, "e6": -1,
    },
    ("m3-backprop-by-hand", 1): {
        "x1": -1, "x2": 0.5, "w11": 1, "w12": 2, "w21": -2, "w22": -2, "v1": 2, "v2": 2, "y": 0,
    },
    ("m3-backprop-by-hand", 2): {
        "x1": -2, "x2": 0.5, "w11": -1, "w12": 0, "w21": -1, "w22": -2, "v1": 1, "v2": -1, "y": 1,
    },
}  # fmt: skip


@pytest.fixture(scope="module")
def definitions():
    bank = read_bank(BANK)
    return {
        loaded.spec["slug"]: build_definition(loaded.spec, loaded.files)
        for loaded in bank.exercises
        if loaded.spec["slug"] in {slug for slug, _ in GOLDEN}
    }


def decimals(*values: float) -> list[str]:
    """Numbers as a learner types them, to 7 significant figures."""
    return [f"{value:.7g}" for value in values]


@pytest.mark.parametrize(("slug", "seed"), sorted(GOLDEN))
def test_a_pinned_seed_draws_the_same_parameters(definitions, slug, seed):
    definition = definitions[slug]
    assert draw_params(definition.params, seed, definition.redraw_if) == GOLDEN[slug, seed]


def test_the_newton_iterates_worked_out_in_floats_get_full_marks(definitions):
    definition = definitions["m5-newton-iterate"]
    for seed in (1, 2):
        params = GOLDEN["m5-newton-iterate", seed]
        p = np.poly1d([params["r1"], params["r2"], params["r3"]], r=True) * params["k"]
        iterates, x = [], float(params["x0"])
        for _ in range(3):
            x = x - p(x) / p.deriv()(x)
            iterates.append(x)
        answer = {"parts": {f"x{n}": {"value": v} for n, v in enumerate(decimals(*iterates), 1)}}
        result = grade(definition, params, answer)
        assert result.verdict == Verdict.CORRECT and result.score == 1.0


def test_the_line_from_polyfit_gets_full_marks_and_the_data_table_shows_it(definitions):
    definition = definitions["m6-linfit-by-hand"]
    params = GOLDEN["m6-linfit-by-hand", 2]
    assert "y_i & -7 & -3 & 2 & 3 & 4 & 8" in fill(definition.prompt, params)
    slope, intercept = np.polyfit(np.arange(-1, 5), [-7, -3, 2, 3, 4, 8], 1)
    m, c = decimals(slope, intercept)
    result = grade(
        definition, params, {"parts": {"slope": {"value": m}, "intercept": {"value": c}}}
    )
    assert result.verdict == Verdict.CORRECT and result.score == 1.0


def test_backpropagation_in_numpy_gets_full_marks_and_a_missing_input_is_named(definitions):
    definition = definitions["m3-backprop-by-hand"]
    params = GOLDEN["m3-backprop-by-hand", 1]
    weights = np.array([[params["w11"], params["w12"]], [params["w21"], params["w22"]]])
    v, x = np.array([params["v1"], params["v2"]]), np.array([params["x1"], params["x2"]])
    hidden = 1 / (1 + np.exp(-(weights @ x)))
    a = 1 / (1 + np.exp(-(v @ hidden)))
    output_error = 2 * (a - params["y"]) * a * (1 - a)
    hidden_errors = v * output_error * hidden * (1 - hidden)
    parts = {
        "output-error": {"value": decimals(output_error)[0]},
        "hidden-errors": {"matrix": decimals(*hidden_errors)},
        "weight-gradient": {"value": decimals(hidden_errors[0] * x[1])[0]},
    }
    assert grade(definition, params, {"parts": parts}).score == 1.0

    parts["weight-gradient"] = {"value": decimals(hidden_errors[0])[0]}
    result = grade(definition, params, {"parts": parts})
    assert result.parts["weight-gradient"].verdict == Verdict.INCORRECT
    assert (
        "multiply the hidden error by the input" in result.parts["weight-gradient"].feedback[0].text
    )
