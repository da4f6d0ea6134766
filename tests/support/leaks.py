"""Finding a variant's reference answers in what a learner is sent.

`needles` spells each reference answer as a page could give it away: numbers at several
precisions, expressions as typed and as LaTeX (ours and SymPy's), matrix entries, choice ids.
`found_in` looks for them in a response's text once the question itself (prompt, labels, option
texts, hints already released) is taken out, and without the geometry of drawn graphs (path
coordinates say nothing a learner cannot see in the graph). Short numbers and expressions (`2`,
`x`) are left out: they are everywhere and prove nothing.
"""

from __future__ import annotations

import html
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import sympy

from exercises.validation import reference_payload
from grader.mathinput import MathInputError, read, to_latex
from grader.mathinput.printing import as_text
from grader.spec import ExerciseDef, PartDef

MIN_FIGURES = 3  # a number with fewer significant figures is too common to mean anything
MIN_TEXT = 5  # nor is an expression shorter than this
GEOMETRY = re.compile(
    r"\s(?:d|points|x|y|x1|x2|y1|y2|cx|cy|r|rx|ry|width|height|viewBox|transform|"
    r'stroke-width|stroke-dasharray|font-size|style)="[^"]*"'
)


@dataclass(frozen=True)
class Needle:
    what: str  # "part answer: how it is spelled"
    pattern: re.Pattern


def significant_figures(text: str, *, as_written: bool = True) -> int:
    """Significant figures of a number's spelling: `0.0125` 3, `2.50` 3 as written (2 if not),
    `100` 1."""
    mantissa = text.lower().split("e")[0].lstrip("+-")
    digits = mantissa.replace(".", "").lstrip("0")
    if as_written and "." in mantissa:
        return len(digits)
    return len(digits.rstrip("0"))


def number_spellings(value: float) -> set[str]:
    """The number as a page might print it, each with enough figures to be telling."""
    if not math.isfinite(value):
        return set()
    if significant_figures(repr(value), as_written=False) < MIN_FIGURES:
        return set()
    spellings = {repr(value), str(value)}
    spellings |= {f"{value:.{figures}g}" for figures in (3, 4, 5, 6, 8, 10, 12, 15)}
    spellings |= {f"{value:.{decimals}f}" for decimals in (1, 2, 3, 4, 6)}
    if value == int(value):
        spellings.add(str(int(value)))
    return {s for s in spellings if significant_figures(s) >= MIN_FIGURES}


def _number_pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\w.]){re.escape(text)}(?![\w]|\.\d)")


def _text_pattern(text: str) -> re.Pattern:
    return re.compile(rf"(?<![\w]){re.escape(text)}(?![\w])")


def _expression_needles(label: str, value: Any) -> list[Needle]:
    value = sympy.sympify(value)
    needles = []
    if value.is_number:
        try:
            number = float(value)
        except TypeError:
            number = None
        if number is not None:
            needles += [
                Needle(f"{label}: {s}", _number_pattern(s)) for s in number_spellings(number)
            ]
    spellings = {as_text(value), str(value), sympy.latex(value)}
    try:
        spellings.add(to_latex(read(as_text(value), sorted(map(str, value.free_symbols))).literal))
    except MathInputError:
        pass
    for spelling in spellings:
        if len(spelling) >= MIN_TEXT and not re.fullmatch(r"-?[\d.]+", spelling):
            needles.append(Needle(f"{label}: {spelling}", _text_pattern(spelling)))
    return needles


def needles(
    definition: ExerciseDef,
    params: dict[str, Any],
    *,
    all_option_ids: bool = True,
    reference_program: str | None = None,
) -> list[Needle]:
    """The variant's reference answers, spelled every telling way; with `all_option_ids`, every
    option id is one (an id names what its option is), else only the right options' ids; a code
    part's are the telling lines of its `reference_program`."""
    found: list[Needle] = []
    for part in definition.parts:
        if part.kind == "code":
            found += _program_needles(part, reference_program or "")
        else:
            found += _part_needles(part, params, all_option_ids)
    return found


def _program_needles(part: PartDef, program: str) -> list[Needle]:
    """Lines of the reference program long enough to be its own and not given in the starter
    (its tests' expected values are shown by design, when the learner runs them)."""
    starter = part.config.get("starter", "")
    lines = {line.strip() for line in program.splitlines()}
    telling = [
        line
        for line in lines
        if len(line) >= 24 and not line.startswith(("#", '"', "'")) and line not in starter
    ]
    return [
        Needle(f"{part.name}: reference line {line}", re.compile(re.escape(line)))
        for line in telling
    ]


def _part_needles(part: PartDef, params: dict[str, Any], all_option_ids: bool) -> list[Needle]:
    label = part.name
    reference = reference_payload(part, params)
    if part.kind == "choice":
        ids = [o["id"] for o in part.config["options"]] if all_option_ids else reference["choices"]
        return [
            Needle(f"{label}: option id {i}", re.compile(rf"""["'=>]{re.escape(i)}["'<]"""))
            for i in ids
        ]
    if part.kind == "interactive":
        return [
            Needle(f"{label}: minimiser {s}", _number_pattern(s))
            for coordinate in reference["probes"][0]
            for s in number_spellings(float(coordinate))
        ]
    if part.kind == "number":
        value = float(reference["value"])
        return [Needle(f"{label}: {s}", _number_pattern(s)) for s in number_spellings(value)]
    if part.kind == "expression":
        return _expression_needles(label, _value(part, reference["value"], params))
    cells = reference["matrix"]
    flat = [cell for row in cells for cell in (row if isinstance(row, list) else [row])]
    return [
        needle
        for cell in flat
        for needle in _expression_needles(f"{label} entry", _value(part, cell, params))
    ]


def _value(part: PartDef, text: str, params: dict[str, Any]):
    from grader.answers.expression import authored

    return authored(part, text, params).value


def visible_text(body: str, content_type: str, question: list[str]) -> str:
    """What a response shows, as text to search: JSON's strings (without the learner's own
    scores), or HTML without the question's own fragments and the geometry of its graphs."""
    if content_type.startswith("application/") and "json" in content_type:
        return "\n".join(_strings(json.loads(body)))
    for fragment in sorted(question, key=len, reverse=True):
        if fragment:
            body = body.replace(fragment, " ")
    return html.unescape(GEOMETRY.sub(" ", body))


# Numbers the learner earned: a score of 0.125 on one exercise is not the answer 0.125 of another.
OWN_RESULTS = {"score", "best_score", "previous"}


def _strings(data: Any):
    if isinstance(data, dict):
        for key, value in data.items():
            yield str(key)
            if key not in OWN_RESULTS:
                yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)
    else:
        yield str(data)


def found_in(text: str, variant_needles: list[Needle]) -> list[str]:
    """What of the variant's answers the text gives away, with a little of its context."""
    leaks = []
    for needle in variant_needles:
        match = needle.pattern.search(text)
        if match:
            start, end = max(match.start() - 60, 0), match.end() + 60
            leaks.append(f"{needle.what} in …{text[start:end]!r}…")
    return leaks
