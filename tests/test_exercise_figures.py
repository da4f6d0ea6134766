"""Figures authored in an exercise's `figure` key: a contour map with named points, and the
Taylor explorer's picture of f with the polynomial of the chosen order and centre."""

from __future__ import annotations

import numpy as np
import pytest

from courseware.plots import chart_svg
from grader import figures

CONTOURS = {
    "contours": "a*x^2 + y^2",
    "x": [-5, 5],
    "y": [-3, 3],
    "levels": [2, 4, 6],
    "marks": {"A": ["3/2", "0"], "P": ["p", "q"]},
    "label": "Level curves",
}
EXPLORER = {
    "explore": "taylor",
    "expr": "1/(c - x)",
    "x": [-3, 3],
    "y": [-3, 3],
    "centres": ["-1", "0", "1"],
    "orders": [0, 1, 2, 3],
}


def test_a_contour_map_draws_its_levels_and_names_its_points_on_the_map():
    drawn = figures.contour_map(CONTOURS, {"a": 3, "p": 1, "q": -2})
    assert drawn["contours"]["levels"] == [2, 4, 6]
    assert [(s["label"], s["style"], s["points"]) for s in drawn["series"]] == [
        ("A", "named", [[1.5, 0.0]]),
        ("P", "named", [[1.0, -2.0]]),
    ]
    z = np.array(drawn["contours"]["z"])
    assert z.shape == (figures.CONTOUR_GRID, figures.CONTOUR_GRID)
    assert z[30, 30] == 0 and z[30, -1] == 75  # the grid's centre and (5, 0)
    svg = chart_svg(drawn)
    assert svg.count('fill="none" stroke="#c4c9d4"') == 3  # one path per level
    assert ">A</text>" in svg and ">P</text>" in svg  # written beside the point, not in a legend


def test_the_explorer_draws_f_and_the_chosen_polynomial_touching_at_the_centre():
    drawn = figures.taylor_figure(EXPLORER, {"c": 2}, 3, 2)
    assert drawn["title"] == "f(x) and its Taylor polynomial of order 3 about x = 1"
    f, polynomial, centre = (dict(map(tuple, s["points"])) for s in drawn["series"])
    assert centre == {1.0: 1.0}  # f(1) = 1/(2 − 1)
    assert polynomial[0.5] == pytest.approx(1 - 0.5 + 0.25 - 0.125, rel=1e-4)  # t = x − 1 = −½
    assert f[0.0] == 0.5
    assert drawn["y_range"] == [-3, 3]


def test_order_zero_is_a_constant_line():
    drawn = figures.taylor_figure(EXPLORER, {"c": 2}, 0, 1)
    assert {y for _, y in drawn["series"][1]["points"]} == {0.5}


@pytest.mark.parametrize(("order", "centre"), [(4, 0), (-1, 0), (1, 3), (1, -1)])
def test_the_explorer_draws_only_the_choices_it_offers(order, centre):
    with pytest.raises(figures.ExplorerChoiceError):
        figures.taylor_figure(EXPLORER, {"c": 2}, order, centre)
