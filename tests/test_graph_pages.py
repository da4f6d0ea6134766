"""Graphs meant to be compared, as the learner sees them: one x range and one y scale for the
function and every option, the function drawn faintly behind each approximation, and a text
alternative for each graph."""

import re

import pytest
from django.test import Client

from tests.support.people import PASSWORD, learner_in, make_course

pytestmark = pytest.mark.django_db


def graphs_on(slug: str) -> list[str]:
    learner = learner_in(make_course())
    client = Client()
    client.login(username=learner.username, password=PASSWORD)
    page = client.get(f"/courses/calc/exercises/{slug}/").content.decode()
    return re.findall(r'<svg xmlns="http://www.w3.org/2000/svg".*?</svg></svg>', page, re.S)


def frame_of(graph: str) -> tuple[str, ...]:
    return re.search(r"x from (\S+) to (\S+), y axis from (\S+) to ([^;]+);", graph).groups()


def test_approximations_share_the_functions_range_and_scale_with_the_function_behind(bank):
    graphs = graphs_on("m4-match-approximation")
    assert len(graphs) == 5  # f and four options
    assert len({frame_of(g) for g in graphs}) == 1
    assert frame_of(graphs[0])[:2] == ("−1.5", "1.5")  # the figure's own range
    assert all('stroke-dasharray="5 3"' in g for g in graphs[1:])


def test_derivative_graphs_share_one_scale_with_the_function(bank):
    graphs = graphs_on("m1-graph-derivative-match")
    assert len(graphs) == 5
    assert len({frame_of(g) for g in graphs}) == 1
    assert all("the curve" in g and "x-axis" in g for g in graphs)
