"""Self-test of the exercise bank: every exercise, over many seeds, through the real grading path.

For each variant: the parameters draw, every placeholder fills, the reference answer gets full
marks, and each anticipated mistake is caught by its own rule and does not get full marks.
Plain Python (no Django), so tests and the management commands share it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sympy
from sympy.printing.str import StrPrinter

from exercises.loader import Bank, LoadedExercise, build_definition, read_bank
from grader import grade
from grader.answers.choice import is_correct
from grader.answers.expression import authored
from grader.answers.matrix import expected_grid
from grader.answers.number import expected_value
from grader.mathinput import MathInputError, read
from grader.mathinput.operators import REGISTRY
from grader.mathinput.vocabulary import ALIASES, CONSTANTS, FUNCTIONS, GREEK
from grader.params import draw_params
from grader.placeholders import PLACEHOLDER, fill
from grader.spec import ExerciseDef, PartDef

UNFILLED = "[["
PLOT_SAMPLES = 81
# Kinds whose reference answer and mistakes this module can turn into learner payloads.
GRADED_HERE = {"number", "choice", "expression", "matrix"}
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Problem:
    """Something wrong with one exercise (for one seed, when it depends on the variant)."""

    slug: str
    seed: int | None
    where: str
    reason: str

    def __str__(self) -> str:
        seed = "" if self.seed is None else f" (seed {self.seed})"
        return f"{self.slug}{seed}: {self.where}: {self.reason}"


@dataclass(frozen=True)
class Variant:
    """One drawn variant: its parameters, reference payloads per part and each part's mistakes."""

    params: dict[str, Any]
    references: dict[str, dict[str, Any]]
    mistakes: dict[str, list[tuple[str, dict[str, Any]]]]


def validate_bank(root: Path, slugs: list[str] | None = None, seeds: int = 50) -> list[Problem]:
    """Every problem in the bank under `root` (or in the exercises named by `slugs`)."""
    bank = read_bank(root)
    problems = bank_problems(bank, slugs)
    for loaded in chosen(bank, slugs):
        problems.extend(validate_exercise(loaded, root, seeds))
    return problems


def bank_problems(bank: Bank, slugs: list[str] | None = None) -> list[Problem]:
    """Problems found while reading the bank, and slugs asked for that it does not hold."""
    problems = [Problem(error.path, None, error.field, error.reason) for error in bank.errors]
    known = {loaded.spec["slug"] for loaded in bank.exercises}
    problems += [
        Problem(slug, None, "slug", "no such exercise in the bank")
        for slug in slugs or []
        if slug not in known
    ]
    return problems


def chosen(bank: Bank, slugs: list[str] | None = None) -> list[LoadedExercise]:
    """The bank's exercises named by `slugs` (all of them when none are named)."""
    return [loaded for loaded in bank.exercises if not slugs or loaded.spec["slug"] in slugs]


def validate_exercise(loaded: LoadedExercise, root: Path, seeds: int = 50) -> list[Problem]:
    """The problems of one exercise over seeds 0..seeds-1."""
    definition = build_definition(loaded.spec, root, loaded.module)
    problems: list[Problem] = []
    for seed in range(seeds):
        problems.extend(validate_variant(definition, loaded.spec, seed))
    return problems


def validate_variant(definition: ExerciseDef, spec: dict[str, Any], seed: int) -> list[Problem]:
    """The problems of the variant drawn from `seed`."""
    slug = definition.slug

    def problem(where: str, reason: str) -> Problem:
        return Problem(slug, seed, where, reason)

    try:
        params = draw_params(definition.params, seed, definition.redraw_if)
    except (ValueError, MathInputError) as error:
        return [problem("params", str(error))]
    problems = [problem(where, reason) for where, reason in _check_texts(definition, spec, params)]
    if any(part.kind not in GRADED_HERE for part in definition.parts):
        return problems  # code and interactive parts have their own self-tests
    try:
        variant = build_variant(definition, params)
        found = _check_reference(definition, variant) + _check_mistakes(definition, variant)
        found += _check_distinct_plots(definition, params)
    except Exception as error:  # any failure while grading the variant is an authoring problem
        found = [("answer", f"grading the reference or a mistake failed: {error}")]
    problems += [problem(where, reason) for where, reason in found]
    return problems


def build_variant(definition: ExerciseDef, params: dict[str, Any]) -> Variant:
    """The variant's reference payload and mistake payloads for every part."""
    references = {part.name: reference_payload(part, params) for part in definition.parts}
    mistakes = {part.name: mistake_payloads(part, params) for part in definition.parts}
    return Variant(params, references, mistakes)


def reference_payload(part: PartDef, params: dict[str, Any]) -> dict[str, Any]:
    """What a learner who answers exactly right would send for this part."""
    if part.kind == "choice":
        right = [o["id"] for o in part.config["options"] if is_correct(o, params)]
        return {"choices": right}
    return answer_payload(part, part.config["answer"], params)


def answer_payload(part: PartDef, answer: Any, params: dict[str, Any]) -> dict[str, Any]:
    """The payload a learner would send to give the authored `answer` (a reference or a mistake)."""
    if part.kind == "number":
        return {"value": repr(float(expected_value(answer, params)))}
    if part.kind == "expression":
        return {"value": as_text(authored(part, answer, params).value)}
    if part.kind == "matrix":
        grid, flat = expected_grid(part, answer, params)
        rows = [[as_text(cell.value) for cell in row] for row in grid]
        return {"matrix": [row[0] for row in rows] if flat else rows}
    raise ValueError(f"no reference payload for kind {part.kind!r}")


class LearnerPrinter(StrPrinter):
    """SymPy's text form with the spellings a learner types: `e`, not `E`; `abs`, not `Abs`."""

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Abs(self, expr: Any) -> str:
        return f"abs({self._print(expr.args[0])})"


def as_text(value: Any) -> str:
    """A SymPy value as learner text that the parser reads back (it accepts `**`)."""
    return LearnerPrinter().doprint(value)


def mistake_payloads(part: PartDef, params: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(rule or feedback, payload) for each anticipated mistake that applies to this variant."""
    found = []
    if part.kind == "choice":
        for option in part.config["options"]:
            if option.get("feedback") and not is_correct(option, params):
                found.append((option.get("rule", option["id"]), {"choices": [option["id"]]}))
        return found
    for mistake in part.config.get("mistakes", []):
        name = mistake.get("rule") or mistake["feedback"]
        try:
            payload = answer_payload(part, mistake["answer"], params)
        except (ArithmeticError, ValueError, TypeError):
            if part.kind == "number":
                continue  # undefined for this variant: the number kind skips it too
            raise
        found.append((name, payload))
    return found


def whole_payload(definition: ExerciseDef, payloads: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A bare payload for a one-part exercise, else {"parts": {...}}."""
    if definition.single_part:
        return payloads[definition.parts[0].name]
    return {"parts": payloads}


def _check_reference(definition: ExerciseDef, variant: Variant) -> list[tuple[str, str]]:
    if any(not payload.get("choices", True) for payload in variant.references.values()):
        return [("options", "no option is correct in this variant")]
    for part in definition.parts:
        chosen = variant.references[part.name].get("choices", [])
        if len(chosen) > 1 and not part.config.get("multiple", False):
            return [(f"parts.{part.name}.options", "several options are correct (single choice)")]
    result = grade(definition, variant.params, whole_payload(definition, variant.references))
    if result.score >= 1.0:
        return []
    texts = "; ".join(item.text for item in result.feedback)
    return [("answer", f"the reference gets {result.verdict} ({result.score:.2f}): {texts}")]


def _check_mistakes(definition: ExerciseDef, variant: Variant) -> list[tuple[str, str]]:
    problems = []
    for part in definition.parts:
        for name, payload in variant.mistakes[part.name]:
            payloads = {**variant.references, part.name: payload}
            result = grade(definition, variant.params, whole_payload(definition, payloads))
            got = result.parts.get(part.name)
            where = f"parts.{part.name}.mistake {name!r}"
            if got is None or got.score >= 1.0:
                problems.append((where, "coincides with the right answer in this variant"))
                continue
            fired = got.rule or " ".join(item.text for item in got.feedback)
            if fired != name and not any(name == item.text for item in got.feedback):
                problems.append((where, f"is caught by another rule: {fired!r}"))
            unfilled = [item.text for item in got.feedback if UNFILLED in item.text]
            if unfilled:
                problems.append((where, f"feedback shown with a placeholder left: {unfilled[0]!r}"))
    return problems


def _check_texts(
    definition: ExerciseDef, spec: dict[str, Any], params: dict[str, Any]
) -> list[tuple[str, str]]:
    """Every text the learner may see fills; every plotted expression reads as a function of x."""
    texts = [("prompt", definition.prompt), ("solution", definition.solution)]
    texts += [(f"hints[{i}]", hint) for i, hint in enumerate(definition.hints)]
    plots = []
    figure = spec.get("figure")
    if figure:
        texts.append(("figure.label", str(figure.get("label", ""))))
        plots.append(("figure.expr", figure.get("expr", "")))
    for part in definition.parts:
        where = f"parts.{part.name}"
        texts.append((f"{where}.label", str(part.config.get("label", ""))))
        for option in part.config.get("options", []):
            texts.append((f"{where}.options.{option['id']}.text", str(option.get("text", ""))))
            texts.append((f"{where}.options.{option['id']}", str(option.get("feedback", ""))))
            if option.get("plot"):
                plots.append((f"{where}.options.{option['id']}.plot", option["plot"]))
        for index, mistake in enumerate(part.config.get("mistakes", [])):
            texts.append((f"{where}.mistakes[{index}].feedback", str(mistake["feedback"])))
    variables = {"x"} | {v for part in definition.parts for v in part.config.get("variables", [])}
    problems = []
    for where, text in texts:
        try:
            filled = fill(text, params)
        except (MathInputError, ValueError, TypeError) as error:
            problems.append((where, f"a placeholder does not read: {error}"))
            continue
        problems += [(where, reason) for reason in _unknown_names(text, params, variables)]
        if UNFILLED in filled:
            problems.append(
                (where, f"placeholder left unfilled: {filled[filled.index(UNFILLED) :][:40]}")
            )
    for where, text in plots:
        problems.extend(_check_plot(where, str(text), params))
    return problems


def _unknown_names(text: str, params: dict[str, Any], variables: set[str]) -> list[str]:
    """Long names in a tex placeholder that are neither known nor variables: `expand` would
    otherwise print as the product e·x·p·a·n·d."""
    known = set(params) | set(FUNCTIONS) | set(ALIASES) | set(CONSTANTS) | set(REGISTRY) | GREEK
    reasons = []
    for match in PLACEHOLDER.finditer(text):
        names = set(IDENTIFIER.findall(match.group("tex") or "")) - known - variables
        reasons += [f"unknown name `{name}` in a placeholder" for name in names if len(name) > 1]
    return reasons


def _check_plot(where: str, text: str, params: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        value = read(text, ["x"], params=params, trusted=True).value
    except MathInputError as error:
        return [(where, f"does not read: {error}")]
    extra = {str(s) for s in getattr(value, "free_symbols", set())} - {"x"}
    if extra:
        return [(where, f"plots a function of {', '.join(sorted(extra))}, not only x")]
    return []


def _check_distinct_plots(definition: ExerciseDef, params: dict[str, Any]) -> list[tuple[str, str]]:
    """Options drawn as graphs must look different, or a learner cannot tell the right one."""
    problems = []
    for part in definition.parts:
        curves = {}
        for option in part.config.get("options", []):
            if option.get("plot"):
                curves[option["id"]] = _samples(str(option["plot"]), params)
        ids = list(curves)
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                if _same_curve(curves[first], curves[second]):
                    reason = f"options {first!r} and {second!r} draw the same graph"
                    problems.append((f"parts.{part.name}.options", reason))
    return problems


def _samples(text: str, params: dict[str, Any]) -> np.ndarray:
    """The plotted function on the site's default range, NaN where it is undefined."""
    x = sympy.Symbol("x")
    value = read(text, ["x"], params=params, trusted=True).value
    xs = np.linspace(-4, 4, PLOT_SAMPLES)
    with np.errstate(all="ignore"):
        ys = np.broadcast_to(np.asarray(sympy.lambdify(x, value, "numpy")(xs), complex), xs.shape)
    return np.where(np.abs(ys.imag) < 1e-12, ys.real, np.nan)


def _same_curve(first: np.ndarray, second: np.ndarray) -> bool:
    both = np.isfinite(first) & np.isfinite(second)
    return bool(both.any()) and bool(np.allclose(first[both], second[both], rtol=1e-3, atol=1e-3))
