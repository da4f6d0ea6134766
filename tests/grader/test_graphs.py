"""Graphs of functions as numbers: every graph the bank draws is sampled as lambdify would, left out
where its function is undefined, and drawn on one frame with the graphs it is compared with."""

from pathlib import Path

import numpy as np
import pytest
import sympy

from exercises.loader import build_definition, read_bank
from grader.graphs import (
    SAMPLES,
    _evaluate,
    compared_graphs,
    compared_x_range,
    fitted_y_range,
    nice_ticks,
    sample,
    shared_y_range,
)
from grader.mathinput import parse
from grader.params import draw_params
from grader.spec import ExerciseDef, PartDef

EXERCISES = Path(__file__).resolve().parents[2] / "exercises"
SEEDS = range(12)


def bank_graphs() -> list[tuple[str, str, dict, tuple[float, float]]]:
    """(exercise, expression, its spec, x range) for every graph an exercise draws, on the range
    the page draws it on."""
    found = []
    for loaded in read_bank(EXERCISES).exercises:
        spec = loaded.spec
        exercise = build_definition(spec, loaded.files)
        x_range = compared_x_range(exercise)
        plots = [(exercise.figure or {}).get("expr")] + [
            option.get("plot")
            for part in exercise.parts
            for option in part.config.get("options", [])
        ]
        found += [(spec["slug"], plot, spec, x_range) for plot in plots if plot]
    return found


GRAPHS = bank_graphs()


def test_the_bank_draws_graphs():
    assert {slug for slug, *_ in GRAPHS} >= {"m1-graph-derivative-match", "m4-match-approximation"}


@pytest.mark.parametrize(("slug", "expression", "spec", "x_range"), GRAPHS)
def test_a_graph_samples_as_lambdify_would(slug, expression, spec, x_range):
    for seed in SEEDS:
        params = draw_params(spec.get("params", {}), seed, spec.get("redraw_if"))
        expr = parse(expression, ["x"], params=params, trusted=True)
        xs = np.linspace(*x_range, SAMPLES)
        with np.errstate(all="ignore"):
            assert _evaluate(expr, xs) is not None, (slug, expression, params)
            expected = sympy.lambdify(sympy.Symbol("x"), expr, "numpy")(xs)
            expected = np.broadcast_to(np.asarray(expected, dtype=complex), xs.shape)
        expected = np.where(np.abs(expected.imag) < 1e-12, expected.real, np.nan)
        _, ys = sample(expression, params, x_range)
        np.testing.assert_allclose(ys, expected, rtol=1e-12, atol=1e-12, equal_nan=True)


@pytest.mark.parametrize(
    ("expression", "undefined_at_negative_x"),
    [("sqrt(x)", True), ("log(x)", True), ("x^(1/3)", True), ("abs(x) + exp(-x^2)", False)],
)
def test_a_graph_is_left_out_where_its_function_is_undefined(expression, undefined_at_negative_x):
    xs, ys = sample(expression, {}, (-2.0, 2.0))
    assert np.isnan(ys[xs < 0]).all() == undefined_at_negative_x
    assert np.isfinite(ys[xs > 0]).all()


def test_a_function_the_walk_does_not_know_is_sampled_by_lambdify():
    xs, ys = sample("sec(x / 2)", {}, (-1.0, 1.0))
    np.testing.assert_allclose(ys, 1 / np.cos(xs / 2))


def test_graphs_to_be_compared_share_the_span_of_all_of_them():
    assert shared_y_range(["x", "10*x"], {}, (-1.0, 1.0)) == pytest.approx((-12.0, 12.0))


def test_a_y_range_keeps_the_x_axis_in_view_and_a_pole_does_not_flatten_the_rest():
    _, above = sample("x^2 + 5", {}, (-1.0, 1.0))
    assert fitted_y_range([above]) == pytest.approx((-0.6, 6.6))
    _, pole = sample("1/x", {}, (-2.0, 2.0))
    lo, hi = fitted_y_range([pole])
    assert -20 < lo < -2 and 2 < hi < 20
    assert fitted_y_range([np.zeros(5)]) == (-1.0, 1.0)


def test_ticks_are_round_steps_inside_the_range():
    assert nice_ticks(-1.4, 3.4) == pytest.approx([-1.0, 0.0, 1.0, 2.0, 3.0])
    assert nice_ticks(0.0, 1.0) == pytest.approx([0.0, 0.2, 0.4, 0.6, 0.8, 1.0])
    assert nice_ticks(-12.0, 12.0) == pytest.approx([-10.0, -5.0, 0.0, 5.0, 10.0])


def matching(overlay: bool) -> ExerciseDef:
    options = [{"id": "a", "plot": "2*x"}, {"id": "b", "plot": "x^2"}, {"id": "c"}]
    config = {"options": options, "overlay_figure": overlay}
    return ExerciseDef(
        "match",
        "Match",
        (PartDef("pick", "choice", config=config),),
        figure={"expr": "a*x", "x": [-1, 2]},
    )


def test_option_graphs_share_the_figures_x_range_and_one_y_scale_with_it():
    frame = compared_graphs(matching(overlay=True), {"a": 3})
    assert frame is not None
    assert frame.x_range == (-1.0, 2.0)
    assert frame.y_range == shared_y_range(["2*x", "x^2", "a*x"], {"a": 3}, (-1.0, 2.0))
    assert frame.overlay == "a*x"
    assert compared_graphs(matching(overlay=False), {"a": 3}).overlay is None


def test_an_exercise_without_option_graphs_has_no_shared_frame():
    part = PartDef("value", "number", config={"answer": "1"})
    exercise = ExerciseDef("plain", "Plain", (part,), figure={"expr": "x"})
    assert compared_graphs(exercise, {}) is None
    assert compared_x_range(exercise) == (-4.0, 4.0)
