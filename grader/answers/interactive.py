"""Interactive answers: a Sandpit round, graded by replaying its probes on the hidden landscape.

Part config: {game: sandpit, scenario: basic | depth_only | many_minima | rocky | narrow_well,
par?: int, practice?: bool, seed_param?: name of the integer parameter that seeds the landscape
(default `landscape_seed`)}. The payload is {"probes": [[x, y], ...]} as the server recorded them,
so the grade is a pure function of (exercise, params, probes).
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from grader.answers import AnswerKind, Form, Page, Payload, Preview
from grader.results import Feedback, GraderError, InvalidAnswer, PartResult, Verdict, has_full_marks
from grader.sandpit import (
    MAX_PROBES,
    PAR,
    SCENARIOS,
    Landscape,
    Status,
    draw_landscape,
    draw_lessons,
    lesson_texts,
    replay,
    score,
)
from grader.sandpit.landscape import SIZE
from grader.spec import PartDef

GAMES = ("sandpit",)
PICTURE_PIXELS = 64  # the side of a played round's picture in the answer history
DEFAULT_SEED_PARAM = "landscape_seed"


def check_config(part: PartDef) -> list[str]:
    prefix = f"parts.{part.name}"
    config = part.config
    errors = []
    if config.get("game") not in GAMES:
        errors.append(f"{prefix}.game: one of {', '.join(GAMES)}")
    if config.get("scenario", "basic") not in SCENARIOS:
        errors.append(f"{prefix}.scenario: one of {', '.join(SCENARIOS)}")
    par = config.get("par")
    if par is not None and (
        not isinstance(par, int) or isinstance(par, bool) or not 1 <= par < MAX_PROBES
    ):
        errors.append(f"{prefix}.par: a whole number of probes from 1 to {MAX_PROBES - 1}")
    if not isinstance(config.get("practice", False), bool):
        errors.append(f"{prefix}.practice: true or false")
    if not isinstance(config.get("seed_param", DEFAULT_SEED_PARAM), str):
        errors.append(f"{prefix}.seed_param: the name of an integer parameter")
    return errors


def scenario_of(part: PartDef) -> str:
    return str(part.config.get("scenario", "basic"))


def par_of(part: PartDef) -> int:
    return int(part.config.get("par", PAR[scenario_of(part)]))


def landscape_for(part: PartDef, params: dict[str, Any]) -> Landscape:
    """The part's hidden landscape: each part of an attempt gets its own floor."""
    name = part.config.get("seed_param", DEFAULT_SEED_PARAM)
    seed = params.get(name)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise GraderError(f"the sandpit part {part.name!r} needs an integer parameter {name!r}")
    digest = hashlib.sha256(f"{seed}:{part.name}".encode()).digest()
    return draw_landscape(int.from_bytes(digest[:6], "big"), scenario_of(part))


def read(part: PartDef, payload: dict[str, Any]) -> list[tuple[float, float]]:
    probes = payload.get("probes")
    if not isinstance(probes, list):
        raise InvalidAnswer('Send the probes as a list of points: {"probes": [[x, y], ...]}.')
    if len(probes) > MAX_PROBES:
        raise InvalidAnswer(f"A round has at most {MAX_PROBES} probes.")
    points = []
    for index, point in enumerate(probes, start=1):
        if (
            not isinstance(point, (list, tuple))
            or len(point) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in point)
            or not all(math.isfinite(v) and 0 <= v <= SIZE for v in point)
        ):
            raise InvalidAnswer(f"Probe {index} must be a point [x, y] with 0 ≤ x, y ≤ {SIZE:g}.")
        points.append((float(point[0]), float(point[1])))
    return points


def grade(part: PartDef, params: dict[str, Any], payload: dict[str, Any]) -> PartResult:
    points = read(part, payload)
    landscape = landscape_for(part, params)
    results = replay(landscape, points)
    par, practice = par_of(part), bool(part.config.get("practice", False))
    found_at = results[-1].n if results and results[-1].status == Status.FOUND else None
    marks = score(par, found_at, len(results), practice)
    data = {"probes": len(results), "par": par, "found": found_at is not None, "score": marks}
    if not results:
        return PartResult(
            Verdict.INCORRECT, 0.0, [Feedback("message", "You have not played this round.", data)]
        )
    if found_at is not None:
        summary = f"You found the deepest point in {_probes(found_at)} (par {par})."
    elif results[-1].ended:
        summary = f"You did not find the deepest point in {MAX_PROBES} probes."
    else:
        summary = f"The round is not over: {_probes(len(results))} so far, none at the bottom."
    if practice and has_full_marks(marks) and found_at is None:
        summary += " Practice round: you get credit for exploring."
    feedback = [Feedback("message", summary, data)]
    feedback += [
        Feedback("diagnosis", text, info)
        for text, info in lesson_texts(draw_lessons(landscape, results), landscape.shows_arrow)
    ]
    return PartResult(Verdict.for_score(marks), marks, feedback)


def winning_probes(part: PartDef, params: dict[str, Any]) -> dict[str, Any]:
    """A payload that wins the round at once: one probe on the global minimiser (for self-tests)."""
    x, y = landscape_for(part, params).minimiser
    return {"probes": [[x, y]]}


def _probes(count: int) -> str:
    return f"{count} probe" if count == 1 else f"{count} probes"


def _read_form(part: PartDef, field: str, form: Form, page: Page) -> Payload:
    """The server records the probes as they are played; a form cannot send them."""
    return {"probes": form.get(field, "")}


def _shown(part: PartDef, payload: Payload, page: Page) -> tuple[str, str]:
    probes = payload.get("probes")
    return "probes", probes_picture(probes if isinstance(probes, list) else [])


def probes_picture(probes: list[Any]) -> str:
    """The pit as a small square with the probes joined in order, the last one marked (SVG)."""
    scale = PICTURE_PIXELS / SIZE
    points = [
        (round(x * scale, 1), round((SIZE - y) * scale, 1))
        for x, y in (p for p in probes if isinstance(p, list) and len(p) == 2)
        if isinstance(x, (int, float)) and isinstance(y, (int, float))
    ]
    path = " ".join(f"{x},{y}" for x, y in points)
    last = (
        f'<circle cx="{points[-1][0]}" cy="{points[-1][1]}" r="3" class="last-probe"/>'
        if points
        else ""
    )
    return (
        f'<svg class="probes-picture" viewBox="0 0 {PICTURE_PIXELS} {PICTURE_PIXELS}" '
        f'width="{PICTURE_PIXELS}" height="{PICTURE_PIXELS}" role="img" '
        f'aria-label="{len(points)} probe{"" if len(points) == 1 else "s"} in the sandpit">'
        f'<rect width="{PICTURE_PIXELS}" height="{PICTURE_PIXELS}" class="pit"/>'
        f'<polyline points="{path}" class="probe-path"/>{last}</svg>'
    )


KIND = AnswerKind(
    name="interactive",
    payload_keys=("probes",),
    size_limit=4096,  # MAX_PROBES points
    math=False,
    check_config=check_config,
    read=read,
    grade=grade,
    read_form=_read_form,
    widget=lambda part, field, page: {},
    shown=_shown,
    reference=winning_probes,
    mistakes=lambda part, params: [],
    preview=lambda part, params: Preview("a game"),
)
