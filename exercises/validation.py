"""Self-test of the exercise bank: every exercise, over many seeds, through the real grading path.

For each variant: the parameters draw, every placeholder fills, the reference answer gets full
marks, and each anticipated mistake is caught by its own rule and does not get full marks.
Interactive parts answer with the winning probe. Code parts run in the real sandbox with the
programs planted in the exercise folder's solutions/: reference.py must get full marks, and each
<rule>.py must not and must be diagnosed with <rule>; variants with equal parameters are graded
once, so a code exercise without parameters costs one sandbox run per planted program.
Plain Python (no Django), so tests and the management commands share it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from exercises.degenerate import degenerate_reasons, function_parts, reference_value
from exercises.loader import Bank, LoadedExercise, build_definition, read_bank
from exercises.slips import misnamed_slips
from grader import grade
from grader.answers import answer_kind
from grader.answers.code import cases_kept
from grader.answers.expression import Earlier, own_values
from grader.figures import exercise_figure, taylor_choices, taylor_figure
from grader.graphs import compared_x_range, sample
from grader.mathinput import MathInputError, read
from grader.mathinput.operators import REGISTRY
from grader.mathinput.vocabulary import ALIASES, CONSTANTS, FUNCTIONS, GREEK
from grader.params import draw_params
from grader.placeholders import PLACEHOLDER, fill
from grader.results import GradeResult, PartResult, Verdict, has_full_marks
from grader.sandbox import SandboxUnavailable, refuse_unless_ready
from grader.spec import ExerciseDef, PartDef

UNFILLED = "[["
LOOK_ALIKE = 0.08  # of the drawn height: about 13 px of a 172-px plot
SOLUTIONS = "solutions"
REFERENCE_SOLUTION = "reference"
# Common slips are planted in the first variants only: grading them all costs more than the
# defects they find, which are the same in every variant of a part.
SLIP_VARIANTS = 10
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
STATED_PRECISION = re.compile(r"(\d+)\s+significant\s+figures?")


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
class Solutions:
    """A code exercise's planted programs: the reference and one buggy module per mistake rule.

    `solutions/reference.py` must get full marks; each `solutions/<rule>.py` must not, and must be
    diagnosed with `<rule>`. Each module is sent as the code of every code part of the exercise.
    """

    reference: str | None = None
    mistakes: dict[str, str] = field(default_factory=dict)


def read_solutions(exercise_file: Path) -> Solutions:
    """The planted programs beside a folder exercise's exercise.yaml (none for a one-file exercise)."""
    folder = exercise_file.parent / SOLUTIONS
    if exercise_file.name != "exercise.yaml" or not folder.is_dir():
        return Solutions()
    programs = {path.stem: path.read_text() for path in sorted(folder.glob("*.py"))}
    reference = programs.pop(REFERENCE_SOLUTION, None)
    return Solutions(reference, programs)


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
    """The problems of one exercise over its distinct variants among seeds 0..seeds-1."""
    definition = build_definition(loaded.spec, loaded.files, loaded.module)
    solutions = read_solutions(root.parent / loaded.path)
    if any(part.kind == "code" for part in definition.parts):
        try:
            refuse_unless_ready()
        except SandboxUnavailable as error:
            reason = str(error).removeprefix("the code sandbox is unavailable: ")
            return [Problem(definition.slug, None, "code", f"the sandbox is unavailable: {reason}")]
    problems: list[Problem] = []
    functions = function_parts(definition)
    for index, seed in enumerate(distinct_seeds(definition, seeds)):
        slips = index < SLIP_VARIANTS
        with cases_kept():  # the variant's code cases, drawn once for all its programs
            problems.extend(
                validate_variant(definition, loaded.spec, seed, solutions, functions, slips)
            )
    return problems


def distinct_seeds(definition: ExerciseDef, seeds: int) -> list[int]:
    """Seeds 0..seeds-1 without those that draw the same parameters as an earlier seed (an
    exercise without parameters has one variant, so its code runs in the sandbox once)."""
    kept, seen = [], set()
    for seed in range(seeds):
        try:
            params = draw_params(definition.params, seed, definition.redraw_if)
        except (ValueError, MathInputError):
            kept.append(seed)  # validate_variant reports it
            continue
        key = json.dumps(params, sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            kept.append(seed)
    return kept


def validate_variant(
    definition: ExerciseDef,
    spec: dict[str, Any],
    seed: int,
    solutions: Solutions | None = None,
    functions: set[str] | None = None,
    slips: bool = True,
) -> list[Problem]:
    """The problems of the variant drawn from `seed` (code parts graded with `solutions`;
    `functions`: the parts that ask for a function, see `exercises.degenerate`; `slips`: plant
    the common slips of `exercises.slips` too)."""
    slug = definition.slug
    solutions = solutions or Solutions()

    def problem(where: str, reason: str) -> Problem:
        return Problem(slug, seed, where, reason)

    try:
        params = draw_params(definition.params, seed, definition.redraw_if)
    except (ValueError, MathInputError) as error:
        return [problem("params", str(error))]
    problems = [problem(where, reason) for where, reason in _check_texts(definition, spec, params)]
    if any(part.kind == "code" for part in definition.parts) and solutions.reference is None:
        return [*problems, problem(SOLUTIONS, "no solutions/reference.py for the code parts")]
    try:
        variant = build_variant(definition, params, solutions)
        found = _check_reference(definition, variant) + _check_mistakes(definition, variant)
        found += _check_follow_through(definition, variant)
        found += _check_distinct_plots(definition, params)
        found += degenerate_reasons(definition, params, functions)
        found += _check_precision(definition, params)
        if slips:
            found += misnamed_slips(definition, params)
    except Exception as error:  # any failure while grading the variant is an authoring problem
        found = [("answer", f"grading the reference or a mistake failed: {error}")]
    problems += [problem(where, reason) for where, reason in found]
    return problems


def build_variant(
    definition: ExerciseDef, params: dict[str, Any], solutions: Solutions | None = None
) -> Variant:
    """The variant's reference payload and mistake payloads for every part."""
    solutions = solutions or Solutions()
    references = {
        part.name: reference_payload(part, params, solutions) for part in definition.parts
    }
    code_parts = [part for part in definition.parts if part.kind == "code"]
    # One planted module stands for the learner's code in every code part: try it once.
    mistakes = {
        part.name: [] if part in code_parts[1:] else mistake_payloads(part, params, solutions)
        for part in definition.parts
    }
    return Variant(params, references, mistakes)


def reference_payload(
    part: PartDef, params: dict[str, Any], solutions: Solutions | None = None
) -> dict[str, Any]:
    """What a learner who answers exactly right would send for this part: its kind's reference,
    or the planted solutions/reference.py for a code part."""
    if part.kind == "code":
        if solutions is None or solutions.reference is None:
            raise ValueError("a code part needs solutions/reference.py")
        return {"code": solutions.reference}
    reference = answer_kind(part.kind).reference(part, params)
    if reference is None:
        raise ValueError(f"no reference payload for the {part.kind} part {part.name!r}")
    return reference


def mistake_payloads(
    part: PartDef, params: dict[str, Any], solutions: Solutions | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """(rule or feedback, payload) for each anticipated mistake that applies to this variant:
    its kind's, and the planted solutions/<rule>.py of a code part."""
    if part.kind == "code":
        return [
            (rule, {"code": code}) for rule, code in (solutions or Solutions()).mistakes.items()
        ]
    return answer_kind(part.kind).mistakes(part, params)


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
    payload = whole_payload(definition, variant.references)
    result = grade(definition, variant.params, payload)
    if result.verdict == Verdict.NEEDS_REVIEW:
        # Undecided within the time budget once (a cold start, say): a real problem stays undecided.
        result = grade(definition, variant.params, payload)
    if has_full_marks(result.score):
        return []
    texts = "; ".join(item.text for item in result.feedback)
    return [("answer", f"the reference gets {result.verdict} ({result.score:.2f}): {texts}")]


def _check_mistakes(definition: ExerciseDef, variant: Variant) -> list[tuple[str, str]]:
    problems = []
    for part in definition.parts:
        for name, payload in variant.mistakes.get(part.name, []):
            if part.kind == "code":  # the planted module is every code part's answer
                payloads = {**variant.references, **_code_payloads(definition, payload)}
            else:
                payloads = {**variant.references, part.name: payload}
            result = grade(definition, variant.params, whole_payload(definition, payloads))
            got = _diagnosed_part(definition, result, part.name, name)
            where = f"parts.{part.name}.mistake {name!r}"
            if part.kind == "code":
                where = f"{SOLUTIONS}/{name}.py"
            if got is None or has_full_marks(got.score):
                problems.append((where, "coincides with the right answer in this variant"))
                continue
            if not diagnoses(got, name):
                rules = [got.rule, *(item.data.get("rule") for item in got.feedback)]
                fired = next((rule for rule in rules if rule), None)
                fired = fired or " ".join(item.text for item in got.feedback)
                if part.kind == "code" and not any(rules):
                    problems.append((where, f"is not diagnosed (feedback: {fired[:200]!r})"))
                else:
                    problems.append((where, f"is caught by another rule: {fired!r}"))
            # Code feedback is never filled (and prints nested arrays as [[…]]).
            unfilled = [item.text for item in got.feedback if UNFILLED in item.text]
            if unfilled and part.kind != "code":
                problems.append((where, f"feedback shown with a placeholder left: {unfilled[0]!r}"))
    return problems


def planted_wrong(payload: dict[str, Any]) -> dict[str, Any]:
    """A wrong answer planted in an earlier part: every value v becomes 2v + 1."""
    if "matrix" in payload:
        rows = payload["matrix"]
        if rows and all(isinstance(row, str) for row in rows):
            return {"matrix": [f"2*({cell}) + 1" for cell in rows]}
        return {"matrix": [[f"2*({cell}) + 1" for cell in row] for row in rows]}
    return {"value": f"2*({payload['value']}) + 1"}


def _check_follow_through(definition: ExerciseDef, variant: Variant) -> list[tuple[str, str]]:
    """A part marked with follow-through gets full credit, "Correct for your ...", when it is
    right for planted wrong earlier answers, which lose their own marks."""
    problems = []
    for index, part in enumerate(definition.parts):
        carried = part.config.get("follow_through")
        if not carried:
            continue
        where = f"parts.{part.name}.follow_through"
        payloads = dict(variant.references)
        earlier = {}
        for source in definition.parts[:index]:
            if source.name in carried["from"]:
                payloads[source.name] = planted_wrong(variant.references[source.name])
                earlier[source.name] = Earlier(
                    source, payloads[source.name], PartResult(Verdict.INCORRECT, 0.0, [])
                )
        own = dict(variant.params)
        for marked in earlier.values():
            own.update(own_values(marked))
        kind = answer_kind(part.kind)
        # The loader allows follow-through only on kinds that can write an answer from a value.
        assert kind.value is not None and kind.written is not None
        payloads[part.name] = kind.written(part, kind.value(part, carried["answer"], own))
        result = grade(definition, variant.params, whole_payload(definition, payloads))
        got = result.parts.get(part.name)
        if (
            got is None
            or not has_full_marks(got.score)
            or not any(item.data.get("follow_through") for item in got.feedback)
        ):
            texts = "; ".join(item.text for item in (got.feedback if got else []))
            problems.append((where, f"an answer right for planted earlier answers gets: {texts}"))
        for name in earlier:
            if has_full_marks(result.parts[name].score):
                problems.append((where, f"the planted wrong answer to {name} is credited"))
    return problems


def diagnoses(result: PartResult, rule: str) -> bool:
    """Whether a part's result names `rule`: as its rule, in a feedback item's data["rule"], or as
    the text of a feedback item (authored mistakes without a rule are named by their feedback)."""
    return (
        result.rule == rule
        or any(item.data.get("rule") == rule for item in result.feedback)
        or any(item.text == rule for item in result.feedback)
    )


def _code_payloads(definition: ExerciseDef, payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {part.name: payload for part in definition.parts if part.kind == "code"}


def _diagnosed_part(
    definition: ExerciseDef, result: GradeResult, name: str, rule: str
) -> PartResult | None:
    """The part result to judge: for a planted code module, the code part that names the rule
    (else the first code part that lost marks)."""
    part = next(p for p in definition.parts if p.name == name)
    if part.kind != "code":
        return result.parts.get(name)
    code = [
        result.parts[p.name]
        for p in definition.parts
        if p.kind == "code" and p.name in result.parts
    ]
    return next((r for r in code if diagnoses(r, rule)), None) or next(
        (r for r in code if not has_full_marks(r.score)), None
    )


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
        if "expr" in figure:
            plots.append(("figure.expr", figure["expr"]))
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
    if figure and "expr" not in figure:
        problems.extend(_check_data_figure(definition, params))
    if figure and "explore" in figure:
        problems.extend(_check_explorer(figure, params))
    return problems


def _check_explorer(figure: dict[str, Any], params: dict[str, Any]) -> list[tuple[str, str]]:
    """A Taylor explorer draws every centre it offers, at its lowest and highest order."""
    if figure["explore"] != "taylor":
        return [("figure.explore", f"unknown explorer {figure['explore']!r} (only `taylor`)")]
    try:
        choices = taylor_choices(figure, params)
        for centre in range(len(choices["centres"])):
            for order in {min(choices["orders"]), max(choices["orders"])}:
                taylor_figure(figure, params, order, centre)
    except Exception as error:  # an authoring problem, whatever it is
        return [("figure", f"the explorer does not draw: {error!r}")]
    return []


def _check_data_figure(definition: ExerciseDef, params: dict[str, Any]) -> list[tuple[str, str]]:
    """A figure of data (`points` or `function`) draws at least one point."""
    try:
        drawn = exercise_figure(definition, params)
    except Exception as error:  # an authoring problem, whatever it is
        return [("figure", f"does not draw: {error!r}")]
    if not drawn or not any(
        None not in point for series in drawn["series"] for point in series["points"]
    ):
        return [("figure", "has no points to draw (give `expr`, `points` or `function`)")]
    return []


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
    x_range = compared_x_range(definition)
    for part in definition.parts:
        curves = {}
        for option in part.config.get("options", []):
            if option.get("plot"):
                curves[option["id"]] = sample(str(option["plot"]), params, x_range)[1]
        ids = list(curves)
        for i, first in enumerate(ids):
            for second in ids[i + 1 :]:
                if _same_curve(curves[first], curves[second]):
                    reason = f"options {first!r} and {second!r} draw the same graph"
                    problems.append((f"parts.{part.name}.options", reason))
    return problems


def _same_curve(first: np.ndarray, second: np.ndarray) -> bool:
    """Two graphs a learner cannot tell apart: nowhere further apart than LOOK_ALIKE of the
    height they are drawn in."""
    both = np.isfinite(first) & np.isfinite(second)
    if not both.any():
        return False
    height = max(float(np.ptp(np.concatenate([first[both], second[both]]))), 1e-9)
    return float(np.max(np.abs(first[both] - second[both]))) < LOOK_ALIKE * height


def _check_precision(definition: ExerciseDef, params: dict[str, Any]) -> list[tuple[str, str]]:
    """A precision the prompt or a part's label states ("to 4 significant figures") is the one
    its numeric parts grade: `sigfigs: N`, not a relative tolerance that accepts fewer figures."""
    problems = []
    in_prompt = STATED_PRECISION.search(definition.prompt)
    for part in definition.parts:
        stated = STATED_PRECISION.search(str(part.config.get("label", ""))) or in_prompt
        if not stated or answer_kind(part.kind).value is None:
            continue
        value = reference_value(part, params)
        if getattr(value, "free_symbols", None):
            continue  # a function of the variables: its coefficients are exact
        figures = int(stated.group(1))
        if part.config.get("sigfigs") != figures:
            reason = f"the text asks for {figures} significant figures: set `sigfigs: {figures}`"
            problems.append((f"parts.{part.name}", reason))
    return problems
