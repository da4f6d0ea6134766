"""Figures a learner sees: the data under a regression prompt, and after grading their fit against
the best one, their descent path on the χ² contours, their training curve against the reference."""

from __future__ import annotations

import re

import numpy as np
import pytest
from django.test import Client

from courseware.models import Attempt
from courseware.plots import chart_svg
from courseware.tasks import grade_submission
from grader import figures
from grader.answers import code
from tests.support.people import PASSWORD, learner_in, make_course
from tests.support.sandbox import EXERCISES, exercise_part, require_sandbox

FOLDERS = {
    "linfit": "m6-regression/m6-linfit-py",
    "heights": "m6-regression/m6-heights-fit",
    "nonlinear": "m6-regression/m6-nonlinear-fit-py",
    "backprop": "m3-chain-rule-and-neural-networks/m3-backprop-assignment",
}
LINFIT = exercise_part(FOLDERS["linfit"], "linfit")
HEIGHTS = exercise_part(FOLDERS["heights"], "assignment", limits={"seconds": 10})
NONLINEAR = exercise_part(FOLDERS["nonlinear"], "fit", limits={"seconds": 10})
BACKPROP = exercise_part(FOLDERS["backprop"], "assignment", limits={"seconds": 10})
UNCENTRED = "def linfit(x, y):\n    return (x * y).sum() / (x * x).sum(), 0.0\n"


def solution(exercise: str, name: str) -> str:
    return (EXERCISES / FOLDERS[exercise] / "solutions" / f"{name}.py").read_text()


def figures_of(result) -> list:
    return [item for item in result.feedback if item.type == "figure"]


def series(figure: dict, label: str) -> list:
    return next(s["points"] for s in figure["series"] if s["label"] == label)


# Drawing


def test_a_scatter_draws_one_dot_per_data_point():
    spec = figures.figure("Six points", [figures.series("data", range(6), range(6), "points")])
    assert chart_svg(spec).count("<circle") == 6 + 1  # and the legend's swatch


def test_every_figure_is_an_image_named_for_screen_readers():
    svg = chart_svg(figures.figure("Your fit", [figures.series("data", [1], [2], "points")]))
    assert 'role="img"' in svg
    assert 'aria-label="Your fit"' in svg
    assert "<title>Your fit</title>" in svg and "<desc>data: 1 points</desc>" in svg


def test_labels_are_escaped_and_a_figure_holds_no_script_or_style():
    hostile = '<script>alert(1)</script>" onload="alert(2)'
    spec = figures.figure(
        hostile, [figures.series(hostile, [1, 2], [3, 4], "line")], x_label=hostile
    )
    svg = chart_svg(spec)
    assert "<script" not in svg and 'onload="' not in svg and "style=" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_contours_are_drawn_as_level_lines():
    grid = np.linspace(-2, 2, 21)
    bowl = np.add.outer(grid**2, grid**2)
    spec = figures.figure(
        "A bowl",
        [figures.series("optimum", [0], [0], "marker")],
        x_range=[-2, 2],
        y_range=[-2, 2],
        contours=figures.contours(grid, grid, bowl, [1, 2, 3]),
    )
    assert chart_svg(spec).count('fill="none" stroke="#c4c9d4"') == 3


def test_a_level_line_lies_on_its_level_and_leaves_gaps_where_the_surface_is_missing():
    grid = np.linspace(-2, 2, 41)
    bowl = np.add.outer(grid**2, grid**2)
    bowl[30:, :] = np.nan  # no values for y > 1: no line there
    spec = figures.figure(
        "A bowl",
        [],
        x_range=[-2, 2],
        y_range=[-2, 1.5],
        contours=figures.contours(grid, grid, bowl, [1, 9]),  # radius 3: outside the frame
    )
    (path,) = re.findall(r'<path d="([^"]+)" fill="none" stroke="#c4c9d4"', chart_svg(spec))
    points = np.array(re.findall(r"[ML](-?[\d.]+),(-?[\d.]+)", path), dtype=float)
    x = -2 + (points[:, 0] - 46) / 304 * 4  # back to the data: the frame's 304 x 180 px box
    y = 1.5 - (points[:, 1] - 26) / 180 * 3.5
    assert len(points) > 40
    assert np.allclose(np.hypot(x, y), 1, atol=0.01)  # on the circle x² + y² = 1
    assert y.max() <= 0.95 + 0.01  # below the missing rows' cells
    assert y.min() < -0.99 and x.min() < -0.99 and x.max() > 0.99


def test_numbers_that_are_not_finite_leave_gaps_and_malformed_figures_draw_nothing():
    spec = figures.figure("Gaps", [figures.series("y", [0, 1, 2, 3], [0, np.nan, np.inf, 3])])
    assert series(spec, "y") == [[0.0, 0.0], [1.0, None], [2.0, None], [3.0, 3.0]]
    assert "<svg" in chart_svg(spec)
    assert chart_svg({"series": [{"label": "x", "style": "line", "points": "oops"}]}) == ""


def test_a_returned_value_that_is_not_the_fits_parameters_is_not_drawn():
    assert figures.fit_figure("t", [1, 2], [1, 2], np.multiply, "abc", [1.0]) is None
    assert figures.fit_figure("t", [1, 2], [1, 2], np.multiply, [np.nan], [1.0]) is None


# After grading, in the sandbox


@pytest.fixture
def sandbox():
    require_sandbox()


def test_a_straight_line_is_drawn_over_the_data_against_the_least_squares_line(sandbox):
    right = code.grade(LINFIT, {}, {"code": solution("linfit", "reference")})
    wrong = code.grade(LINFIT, {}, {"code": UNCENTRED})
    for result in (right, wrong):
        (item,) = figures_of(result)
        assert item.text == "Your line y = mx + c over the data, against the least-squares line"
        assert len(series(item.data["figure"], "data")) == 5
    right_figure, wrong_figure = (figures_of(r)[0].data["figure"] for r in (right, wrong))
    assert series(right_figure, "your fit") == series(right_figure, "least-squares fit")
    x = np.arange(1.0, 6.0)
    y = 2 * x + 1 + np.array([0.1, -0.1, 0.0, 0.1, -0.1])
    slope = (x * y).sum() / (x * x).sum()
    last_x, last_y = series(wrong_figure, "your fit")[-1]
    assert last_y == pytest.approx(slope * last_x, rel=1e-4)  # the learner's own line


def test_a_fit_by_steepest_descent_is_drawn_at_the_end_of_its_path(sandbox):
    for name in ("reference", "ascent"):
        result = code.grade(NONLINEAR, {}, {"code": solution("nonlinear", name)})
        (item,) = figures_of(result)
        assert "against the least-squares optimum" in item.text
        assert item.data["test"] == "decay, 400 steps"  # the visible example, not hidden data
        assert len(series(item.data["figure"], "data")) == 20


def test_the_heights_fit_draws_the_descent_path_on_the_chi2_contours(sandbox):
    right = code.grade(HEIGHTS, {"seed": 7}, {"code": solution("heights", "reference")})
    wrong = code.grade(HEIGHTS, {"seed": 7}, {"code": solution("heights", "ascent")})
    for result in (right, wrong):
        path, fit = figures_of(result)
        assert path.text.startswith("Your 200 steepest-descent steps on the contours of χ²(μ, σ)")
        assert len(series(path.data["figure"], "your steps")) == 201
        assert path.data["figure"]["contours"]["levels"]
        assert len(series(fit.data["figure"], "data")) == 60  # the histogram's bins
    right_path, wrong_path = (figures_of(r)[0].data["figure"] for r in (right, wrong))
    (best,) = series(right_path, "best fit")
    assert series(right_path, "your steps")[-1] == pytest.approx(best, abs=1e-2)
    assert series(wrong_path, "your steps")[-1] != pytest.approx(best, abs=1)


def test_the_training_curve_is_drawn_against_the_reference(sandbox):
    right = code.grade(BACKPROP, {"seed": 7}, {"code": solution("backprop", "reference")})
    wrong = code.grade(
        BACKPROP, {"seed": 7}, {"code": solution("backprop", "missing-slope-layer-2")}
    )
    (mine,), (theirs,) = figures_of(right), figures_of(wrong)
    assert mine.text.startswith("The cost at each step of gradient descent with your Jacobians")
    assert series(mine.data["figure"], "your run") == series(mine.data["figure"], "reference")
    run = series(theirs.data["figure"], "your run")
    assert len(run) == 51  # the start and all 50 steps, though step 1 is already off
    assert run != series(theirs.data["figure"], "reference")


# On the pages


@pytest.fixture
def client(bank):
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    return client


def figure_on(page: str) -> str:
    return re.search(r'<figure class="figure">(.*?)</figure>', page, re.S).group(1)


def test_the_fit_by_hand_page_shows_the_six_data_points(client):
    page = client.get("/courses/calc/exercises/m6-linfit-by-hand/").content.decode()
    figure = figure_on(page)
    assert 'aria-label="The six data points of the table"' in figure
    assert figure.count("<circle") == 6 + 1  # and the legend's swatch


def test_the_heights_page_shows_the_learners_histogram(client):
    page = client.get("/courses/calc/exercises/m6-heights-fit/").content.decode()
    figure = figure_on(page)
    assert "Your histogram of heights" in figure
    assert figure.count("<rect") == 60 + 1  # the bins and the axes' box


def test_the_result_shows_the_learners_line_under_the_tests(client, sandbox):
    url = "/courses/calc/exercises/m6-linfit-py/"
    client.get(url)
    attempt = Attempt.objects.get()
    client.post(url + "submit/", {"attempt": attempt.pk, "part-code": UNCENTRED})
    submission = attempt.submissions.get()
    grade_submission.apply(args=(submission.pk, 1))
    fragment = client.get(f"/submissions/{submission.pk}/").content.decode()
    assert "Incorrect" in fragment
    figure = figure_on(fragment)
    assert 'role="img"' in figure and "<script" not in figure
    assert "<figcaption" in figure and "against the least-squares line" in figure
