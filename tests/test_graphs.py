"""Graphs of functions: every graph the bank draws is sampled the same with or without lambdify."""

import re

import numpy as np
import pytest
import sympy
from django.conf import settings

from courseware.plots import _evaluate, function_svg, sample, shared_y_range
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
    assert 'aria-label="steps: x from' in svg


def test_a_graph_has_tick_labels_on_both_axes_and_says_what_the_curve_does():
    svg = function_svg("x^2 - 1", {}, (-2.0, 2.0), label="Graph A")
    labels = re.findall(r'text-anchor="(middle|end)" fill="#555">([^<]+)</text>', svg)
    assert {"middle", "end"} <= {anchor for anchor, _ in labels}  # x ticks below, y ticks beside
    assert "−1" in [text for anchor, text in labels if anchor == "end"]
    [alt] = re.findall(r'aria-label="([^"]+)"', svg)
    assert alt == (
        "Graph A: x from −2 to 2, y axis from −1.4 to 3.4; the curve falls until x ≈ 0, then "
        "rises to the right edge; it crosses the x-axis at x ≈ −1, 1."
    )


def test_graphs_to_be_compared_share_one_scale():
    y_range = shared_y_range(["x", "10*x"], {}, (-1.0, 1.0))
    small = function_svg("x", {}, (-1.0, 1.0), y_range=y_range)
    large = function_svg("10*x", {}, (-1.0, 1.0), y_range=y_range)
    assert y_range == pytest.approx((-12.0, 12.0))  # the span of both, padded 10 %
    tick = re.compile(r'text-anchor="end" fill="#555">([^<]+)</text>')
    assert tick.findall(small) == tick.findall(large)
