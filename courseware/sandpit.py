"""The Sandpit on the server: each round's recorded probes, and the probe service behind the API.

The landscape stays here: the browser only ever receives what a probe shows, and the contour
grid once the round is over. When the last round ends, the recorded probes of every
round are submitted together as the attempt's answer and graded like any other.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courseware.grading.intake import SubmissionRefused, check_can_submit, submit
from courseware.models import Attempt, SandpitGame
from courseware.variants import definition_of
from grader.answers import interactive
from grader.answers.interactive import landscape_for
from grader.results import InvalidAnswer
from grader.sandpit import depth_grid
from grader.sandpit import probe as probe_landscape
from grader.sandpit.game import ENDED, MAX_PROBES, Status
from grader.sandpit.landscape import SIZE, Landscape
from grader.spec import PartDef

REPLAY_CELLS = 30
DEFAULT_PROBES_PER_SECOND = 5


class ProbeRefused(Exception):
    """A probe the server will not take: bad input (422), round over (409), too fast (429)."""

    def __init__(self, status: int, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field


def sandpit_parts(attempt: Attempt) -> list[PartDef]:
    return [part for part in definition_of(attempt).parts if part.kind == "interactive"]


def choose_part(attempt: Attempt, name: str | None) -> PartDef:
    """The interactive part to probe: the named one, else the first whose round is not over."""
    parts = sandpit_parts(attempt)
    if name is not None:
        for part in parts:
            if part.name == name:
                return part
        names = ", ".join(p.name for p in parts)
        raise ProbeRefused(422, f"No sandpit part {name!r}; the parts are {names}.", "part")
    waiting = _rounds_to_play(attempt)
    return next((p for p in parts if p.name in waiting), parts[0])


def _check_point(x: float, y: float) -> None:
    for name, value in (("x", x), ("y", y)):
        if not math.isfinite(value) or not 0 <= value <= SIZE:
            raise ProbeRefused(422, f"{name} must be a number of metres from 0 to {SIZE:g}.", name)


def _check_can_play(attempt: Attempt) -> None:
    """A round whose answer could not be recorded (quiz closed, attempts used) does not start."""
    try:
        check_can_submit(attempt)
    except SubmissionRefused as refused:
        raise ProbeRefused(409, refused.message) from None


def _check_rate(game: SandpitGame, now: float) -> None:
    limit = getattr(settings, "SANDPIT_PROBES_PER_SECOND", DEFAULT_PROBES_PER_SECOND)
    recent = sum(1 for p in game.probes if now - p["at"] < 1.0)
    if recent >= limit:
        raise ProbeRefused(429, f"At most {limit} probes a second: wait a moment and probe again.")


def probe(attempt: Attempt, x: float, y: float, part_name: str | None = None) -> dict[str, Any]:
    """Push the dip-stick in at (x, y) on the attempt's sandpit part; what it shows, as a dict.

    Raises ProbeRefused. When the round ends, the probes are submitted as the answer.
    """
    part = choose_part(attempt, part_name)
    _check_point(x, y)
    landscape = landscape_for(part, attempt.params)
    with transaction.atomic():
        SandpitGame.objects.get_or_create(attempt=attempt, part=part.name)
        game = SandpitGame.objects.select_for_update().get(attempt=attempt, part=part.name)
        if game.ended:
            raise ProbeRefused(
                409, "This round is over. Try another variant to play a new sandpit."
            )
        if not game.probes:
            _check_can_play(attempt)
        now = timezone.now()
        _check_rate(game, now.timestamp())
        result = probe_landscape(landscape, x, y, len(game.probes) + 1)
        game.probes.append({"x": x, "y": y, "depth": round(result.depth, 3), "at": now.timestamp()})
        game.status = result.status.value
        response = {**result.as_dict(), "part": part.name, "n_probes": result.n}
        if result.ended:
            game.ended_at = now
        game.save()
        if result.ended:
            response.update(replay_view(game, part, attempt.params, landscape))
            response.update(_submit_rounds(attempt, game))
            game.save(update_fields=["submission"])
    return response


def _submit_rounds(attempt: Attempt, game: SandpitGame) -> dict[str, Any]:
    """The rounds of one sandpit are one game: once its last round is over, all of them are
    submitted together as the attempt's answer; until then the learner is sent to the next."""
    definition = definition_of(attempt)
    others = SandpitGame.objects.filter(attempt=attempt).exclude(pk=game.pk)
    waiting = _rounds_to_play(attempt)
    if waiting:
        return {"submission": None, "next_round": waiting[0]}
    rounds = {g.part: g.points() for g in others}
    rounds[game.part] = game.points()
    payloads = {p.name: {"probes": rounds.get(p.name, [])} for p in definition.parts}
    answer = payloads[definition.parts[0].name] if definition.single_part else {"parts": payloads}
    try:
        game.submission = submit(attempt, answer)
    except (InvalidAnswer, SubmissionRefused) as refused:
        return {"submission": None, "submission_refused": refused.message}
    return {"submission": game.submission.pk}


def _rounds_to_play(attempt: Attempt) -> list[str]:
    """The sandpit parts of the attempt whose round is not over yet, in the exercise's order."""
    ended = set(
        SandpitGame.objects.filter(attempt=attempt, status__in=list(ENDED)).values_list(
            "part", flat=True
        )
    )
    return [p.name for p in sandpit_parts(attempt) if p.name not in ended]


def replay_view(
    game: SandpitGame, part: PartDef, params: dict[str, Any], landscape: Landscape
) -> dict[str, Any]:
    """What the browser may see once a round is over: the floor, the bottom, the dry holes,
    and the round's score and feedback (the same grading the submission gets)."""
    x, y = landscape.minimiser
    result = interactive.grade(part, params, {"probes": game.points()})
    return {
        "contours": {"size": SIZE, "cells": REPLAY_CELLS, "depths": depth_grid(landscape)},
        "minimum": [round(x, 3), round(y, 3)],
        "dry_holes": [[round(a, 3), round(b, 3)] for a, b in landscape.traps()],
        "round": {
            "score": result.score,
            "feedback": [item.as_dict() for item in result.feedback],
        },
    }


def game_state(attempt: Attempt, part: PartDef) -> dict[str, Any]:
    """A round as the exercise page resumes it: its probes so far, and the replay when it is over."""
    game = SandpitGame.objects.filter(attempt=attempt, part=part.name).first()
    landscape = landscape_for(part, attempt.params)
    state: dict[str, Any] = {
        "part": part.name,
        "arrows": landscape.shows_arrow,
        "max_probes": MAX_PROBES,
        "probes": [],
        "status": Status.PLAYING.value,
    }
    if game is None:
        return state
    shown = [
        probe_landscape(landscape, p["x"], p["y"], n).as_dict()
        for n, p in enumerate(game.probes, start=1)
    ]
    state.update(probes=shown, status=game.status, submission=game.submission_id)
    if game.ended:
        state.update(replay_view(game, part, attempt.params, landscape))
        waiting = _rounds_to_play(attempt)
        if waiting:
            state["next_round"] = waiting[0]
    return state
