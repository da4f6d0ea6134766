"""Graphs of functions as the learner sees them: drawn with tick labels on both axes, a text
alternative that says what the curve does, and one scale for graphs that are compared
(the numbers they are drawn from: tests/grader/test_graphs.py)."""

import re

from courseware.plots import function_svg
from grader.graphs import shared_y_range


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
    tick = re.compile(r'text-anchor="end" fill="#555">([^<]+)</text>')
    assert tick.findall(small) == tick.findall(large)
