"""Graphs of functions: every graph the bank draws is sampled the same with or without lambdify."""

import numpy as np
import pytest
import sympy
from django.conf import settings

from courseware.plots import _evaluate, function_svg, sample
from exercises.loader import read_bank
from grader.mathinput import parse
from grader.params import draw_params

SEEDS = range(12)


def bank_graphs() -> list[tuple[str, str, dict, tuple]]:
    """(exercise, expression, its spec's params, x range) for every graph an exercise draws."""
    found = []
    for loaded in read_bank(settings.EXERCISES_DIR).exercises:
        spec = loaded.spec
        figure = spec.get("figure") or {}
        if "expr" in figure:
            found.append((spec["slug"], figure["expr"], spec, tuple(figure.get("x", (-4, 4)))))
        for option in spec.get("options", []):
            if option.get("plot"):
                found.append((spec["slug"], option["plot"], spec, (-4, 4)))
    return found


GRAPHS = bank_graphs()


def test_the_bank_draws_graphs():
    assert {slug for slug, *_ in GRAPHS} >= {"m1-graph-derivative-match", "m4-match-approximation"}


@pytest.mark.parametrize(("slug", "expression", "spec", "x_range"), GRAPHS)
def test_a_graph_samples_as_lambdify_would(slug, expression, spec, x_range):
    for seed in SEEDS:
        params = draw_params(spec.get("params", {}), seed, spec.get("redraw_if"))
        expr = parse(expression, ["x"], params=params, trusted=True)
        xs = np.linspace(*x_range, 241)
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


def test_a_function_the_walk_does_not_know_is_still_drawn():
    svg = function_svg("sec(x / 2)", {}, label="steps")
    assert "<polyline" in svg
    assert 'aria-label="steps"' in svg


def test_an_option_is_drawn_over_the_function_on_one_labelled_scale():
    # m4-match-approximation: T2 of exp about 0 with exp dashed behind, on [-1.5, 1.5].
    svg = function_svg("1 + x + x^2/2", {}, (-1.5, 1.5), label="Graph A", over="exp(x)")
    assert svg.count("<polyline") == 2
    assert 'stroke-dasharray="5 4"' in svg
    assert "y = 4.93" in svg  # the shared top: 1.1 × e^1.5
    assert ">0.5<" in svg and ">-1.5<" in svg  # ticks every 0.5 on a short range
