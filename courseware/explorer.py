"""The Taylor explorer under an exercise's prompt (`figure: {explore: taylor, ...}`): the learner
picks an order and a centre, and the server draws f with that Taylor polynomial over it. The
figure is data from grader.figures drawn as SVG here; each process keeps the pictures it drew
recently, since a variant's picture for a choice never changes."""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from typing import Any

from courseware.plots import chart_svg
from grader.figures import ExplorerChoiceError, taylor_choices, taylor_figure
from grader.spec import ExerciseDef


class ExplorerError(ValueError):
    """A choice the explorer does not offer, in words for the learner."""


def is_explorer(definition: ExerciseDef) -> bool:
    return (definition.figure or {}).get("explore") == "taylor"


def explorer(
    definition: ExerciseDef, params: dict[str, Any], query: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """What the page shows: the choices offered, the ones picked (the query's `order` and
    `centre`, an index into the centres; by default order 1 or the lowest, about the first
    centre), the picture and its caption."""
    config = definition.figure or {}
    choices = taylor_choices(config, params)
    orders = choices["orders"]
    query = query or {}
    order = _whole(query.get("order"), "order", 1 if 1 in orders else orders[0])
    centre = _whole(query.get("centre"), "centre", 0)
    figure = _figure(
        json.dumps(config, sort_keys=True), json.dumps(params, sort_keys=True), order, centre
    )
    return {
        "orders": orders,
        "centres": [(index, text) for index, (text, _) in enumerate(choices["centres"])],
        "order": order,
        "centre": centre,
        "svg": chart_svg(figure),
        "caption": figure["title"],
    }


def _whole(text: str | None, name: str, default: int) -> int:
    if text is None or text == "":
        return default
    try:
        return int(text)
    except ValueError:
        raise ExplorerError(f"The {name} must be a whole number, not {text[:20]!r}.") from None


@functools.lru_cache(maxsize=512)
def _figure(config_json: str, params_json: str, order: int, centre: int) -> dict[str, Any]:
    try:
        return taylor_figure(json.loads(config_json), json.loads(params_json), order, centre)
    except ExplorerChoiceError as error:
        raise ExplorerError(f"This explorer cannot draw that: {error}.") from None
