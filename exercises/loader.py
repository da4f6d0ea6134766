"""Reads the exercise bank from disk into plain objects (no Django): modules, quizzes, exercises.

Layout: exercises/<module-slug>/_module.yaml, then one `<slug>.yaml` per exercise, or a folder
`<slug>/exercise.yaml` with trusted extras (tests.py, data).

A spec names its trusted files by the SHA-256 of their text (`spec["files"]`), and
`build_definition` takes the texts from whoever holds them (the read bank here, the database's file
store in the site's processes): grading never reads the bank's folder.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from exercises.filestore import digest_of
from exercises.topics import FILE as TOPICS_FILE
from exercises.topics import Taxonomy, TopicDef, read_taxonomy
from exercises.yaml_text import parse_yaml
from grader.answers import KINDS, answer_kind
from grader.answers.expression import uses_euler
from grader.params import check_spec
from grader.spec import ExerciseDef, PartDef

EXERCISE_KEYS = {
    "slug",
    "title",
    "version",
    "tags",
    "params",
    "redraw_if",
    "prompt",
    "parts",
    "hints",
    "solution",
    "solution_after",
    "limits",
    "figure",
}
PART_KEYS_RESERVED = {"name", "kind", "weight"}
TRUSTED_FILES = ("tests.py",)


@dataclass
class BankError:
    """A problem in a bank file: which file, which field, and why."""

    path: str
    field: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.field}: {self.reason}"


@dataclass
class QuizDef:
    slug: str
    title: str
    exercises: list[str]
    order: int


@dataclass
class ModuleDef:
    slug: str
    title: str
    order: int
    summary: str = ""
    quizzes: list[QuizDef] = field(default_factory=list)


@dataclass
class LoadedExercise:
    """An exercise file, read: its module, its spec (JSON-able), a hash of all its files and the
    texts of its trusted files (`digest → text`, named by digest in `spec["files"]`)."""

    module: str
    spec: dict[str, Any]
    content_hash: str
    path: str
    files: dict[str, str] = field(default_factory=dict)


@dataclass
class Bank:
    modules: list[ModuleDef] = field(default_factory=list)
    exercises: list[LoadedExercise] = field(default_factory=list)
    errors: list[BankError] = field(default_factory=list)
    topics: tuple[TopicDef, ...] = ()


def read_bank(root: Path) -> Bank:
    """Every module and exercise under `root`, with every problem found (nothing is half-loaded)."""
    bank = Bank()
    folders = sorted(p for p in root.iterdir() if (p / "_module.yaml").is_file())
    modules = [(folder, _read_module(folder, root, bank.errors)) for folder in folders]
    bank.modules = [module for _, module in modules if module is not None]
    taxonomy = read_taxonomy(root, {module.slug for module in bank.modules})
    for module_dir, module in modules:
        if module is None:
            continue
        for path in _exercise_files(module_dir):
            loaded = read_exercise(path, module.slug, root, bank.errors, taxonomy)
            if loaded is not None:
                bank.exercises.append(loaded)
    bank.topics = taxonomy.topics
    bank.errors.extend(
        _bank_error(f"exercises/{TOPICS_FILE}", problem) for problem in taxonomy.problems
    )
    _check_cross_references(bank)
    return bank


def _exercise_files(module_dir: Path) -> list[Path]:
    singles = [p for p in module_dir.glob("*.yaml") if p.name != "_module.yaml"]
    folders = [p / "exercise.yaml" for p in module_dir.iterdir() if (p / "exercise.yaml").is_file()]
    return sorted(singles + folders)


def _load_yaml(path: Path, root: Path, errors: list[BankError]) -> Any:
    try:
        return parse_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "file"
        errors.append(
            BankError(
                _rel(path, root), where, f"not valid YAML ({getattr(error, 'problem', error)})"
            )
        )
    except UnicodeDecodeError:
        errors.append(BankError(_rel(path, root), "file", "not UTF-8 text"))
    return None


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root.parent))
    except ValueError:
        return str(path)


def _read_module(module_dir: Path, root: Path, errors: list[BankError]) -> ModuleDef | None:
    path = module_dir / "_module.yaml"
    data = _load_yaml(path, root, errors)
    if not isinstance(data, dict):
        if data is not None:
            errors.append(BankError(_rel(path, root), "file", "expected a mapping"))
        return None
    where = _rel(path, root)
    for key in ("title", "order"):
        if key not in data:
            errors.append(BankError(where, key, "required"))
    if not isinstance(data.get("order", 0), int):
        errors.append(BankError(where, "order", "expected a whole number"))
    quizzes = []
    for index, quiz in enumerate(data.get("quizzes") or []):
        if not isinstance(quiz, dict) or not {"slug", "title", "exercises"} <= set(quiz):
            errors.append(BankError(where, f"quizzes[{index}]", "needs slug, title and exercises"))
            continue
        quizzes.append(
            QuizDef(str(quiz["slug"]), str(quiz["title"]), list(quiz["exercises"]), index)
        )
    if "title" not in data:
        return None
    return ModuleDef(
        module_dir.name,
        str(data["title"]),
        int(data.get("order", 0)),
        str(data.get("summary", "")),
        quizzes,
    )


def read_exercise(
    path: Path, module: str, root: Path, errors: list[BankError], taxonomy: Taxonomy
) -> LoadedExercise | None:
    """One exercise file into a spec (its tags from `taxonomy`); problems are appended to `errors`
    and None is returned."""
    where = _rel(path, root)
    data = _load_yaml(path, root, errors)
    if data is None:
        return None
    found: list[BankError] = []
    spec = normalise(data, found, where)
    if spec is not None:
        expected_slug = path.parent.name if path.name == "exercise.yaml" else path.stem
        if spec["slug"] != expected_slug:
            found.append(BankError(where, "slug", f"must match the file name ({expected_slug!r})"))
        texts = _trusted_texts(path, where, found)
        spec["files"] = {name: digest_of(text) for name, text in texts.items()}
        files = {digest_of(text): text for text in texts.values()}
        if not found:
            found.extend(_bank_error(where, message) for message in check_definition(spec, files))
            tags = taxonomy.unknown_tags(spec.get("tags"))
            found.extend(_bank_error(where, message) for message in tags)
    if found or spec is None:  # normalise() gives None only with a problem found
        document = yaml.compose(path.read_text(encoding="utf-8"))
        for error in found:
            error.line = line_of(document, error.field)
        errors.extend(found)
        return None
    return LoadedExercise(module, spec, _hash_files(path), where, files)


def _trusted_texts(path: Path, where: str, errors: list[BankError]) -> dict[str, str]:
    """The trusted files beside a folder exercise's exercise.yaml (`name → text`)."""
    if path.name != "exercise.yaml":
        return {}
    texts = {}
    for name in TRUSTED_FILES:
        file = path.parent / name
        if file.is_file():
            try:
                texts[name] = file.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                errors.append(BankError(where, name, "not UTF-8 text"))
    return texts


_STEP = re.compile(r"[^.\[\]]+|\[\d+\]")


def line_of(document: yaml.Node | None, field: str) -> int | None:
    """The line of `field` ("params.a.int", "parts[1].kind", "parts.tangent.answer") in the file.

    A one-part file keeps its part's keys at the top level, so "parts[0]." may be skipped.
    """
    node, line, inline_part = document, None, False
    for step in _STEP.findall(field):
        if inline_part:  # the part's index or name, in a file whose part is the document itself
            inline_part = False
            continue
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if getattr(k, "value", None) == step), None)
            if match is None:
                inline_part = step == "parts"
                if inline_part:
                    continue
                break
            line, node = match[0].start_mark.line + 1, match[1]
        elif isinstance(node, yaml.SequenceNode):
            items = node.value
            if step.startswith("["):
                index = int(step[1:-1])
                found = items[index] if index < len(items) else None
            else:
                found = next((item for item in items if _named(item, step)), None)
            if found is None:
                break
            line, node = found.start_mark.line + 1, found
        else:
            break
    return line


def _named(node: yaml.Node, name: str) -> bool:
    return isinstance(node, yaml.MappingNode) and any(
        getattr(k, "value", None) == "name" and getattr(v, "value", None) == name
        for k, v in node.value
    )


def _bank_error(where: str, message: str) -> BankError:
    """A kind's "field: reason" message (or a bare reason) as a BankError."""
    field, _, reason = message.partition(": ")
    return BankError(where, field, reason) if reason else BankError(where, "parts", message)


# Bumped when the stored spec changes shape, so the next load stores every exercise afresh
# (2: parameters kept as an ordered list).
SPEC_FORMAT = b"spec format 2"


def _hash_files(path: Path) -> str:
    """A hash of the exercise file, or of every file in its folder (and of the spec format)."""
    digest = hashlib.sha256(SPEC_FORMAT)
    files = (
        sorted(p for p in path.parent.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        if path.name == "exercise.yaml"
        else [path]
    )
    for file in files:
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


def normalise(data: Any, errors: list[BankError], where: str) -> dict[str, Any] | None:
    """The file's mapping in one shape: a list of named parts (a one-part file becomes part `answer`)."""
    if not isinstance(data, dict):
        errors.append(
            BankError(where, "file", "expected a mapping of keys such as slug, title, parts")
        )
        return None
    for key in ("slug", "title"):
        if not isinstance(data.get(key), str) or not data.get(key):
            errors.append(BankError(where, key, "required (text)"))
    if "parts" in data:
        unknown = sorted(set(data) - EXERCISE_KEYS)
        if unknown:
            errors.append(
                BankError(where, unknown[0], "unknown key (part keys belong under parts)")
            )
        raw_parts = data["parts"]
        if not isinstance(raw_parts, list) or not raw_parts:
            errors.append(BankError(where, "parts", "expected a non-empty list"))
            return None
    else:
        part = {key: value for key, value in data.items() if key not in EXERCISE_KEYS}
        part.setdefault("name", "answer")
        raw_parts = [part]
    parts = []
    for index, raw in enumerate(raw_parts):
        label = f"parts[{index}]"
        if not isinstance(raw, dict):
            errors.append(BankError(where, label, "expected a mapping"))
            continue
        if raw.get("kind") not in KINDS:
            errors.append(BankError(where, f"{label}.kind", f"one of {', '.join(KINDS)}"))
            continue
        if not isinstance(raw.get("name"), str):
            errors.append(BankError(where, f"{label}.name", "required (text)"))
            continue
        weight = raw.get("weight", 1)
        if not isinstance(weight, (int, float)) or weight < 0:
            errors.append(BankError(where, f"{label}.weight", "a number ≥ 0"))
            continue
        config = {k: v for k, v in raw.items() if k not in PART_KEYS_RESERVED}
        parts.append(
            {"name": raw["name"], "kind": raw["kind"], "weight": float(weight), "config": config}
        )
    names = [part["name"] for part in parts]
    if len(set(names)) != len(names):
        errors.append(BankError(where, "parts", "part names must be unique"))
    params = data.get("params") or {}
    if not isinstance(params, dict):
        errors.append(BankError(where, "params", "expected a mapping of name: specification"))
        params = {}
    for name, param in params.items():
        for message in check_spec(str(name), param):
            field_name, reason = message.split(":", 1)
            errors.append(BankError(where, field_name, reason.strip()))
    if errors:
        return None
    for part in parts:
        if answer_kind(part["kind"]).math and "euler" not in part["config"]:
            part["config"]["euler"] = uses_euler(part["config"], params)
    return {
        "slug": data["slug"],
        "title": data["title"],
        "version": int(data.get("version", 1)),
        "tags": list(data.get("tags") or []),
        # A list, so the draw order (the file's) survives a jsonb round trip.
        "params": [[str(name), param] for name, param in params.items()],
        "redraw_if": data.get("redraw_if"),
        "prompt": str(data.get("prompt", "")),
        "parts": parts,
        "hints": [str(h) for h in data.get("hints") or []],
        "solution": str(data.get("solution", "")),
        "solution_after": data.get("solution_after"),
        "limits": dict(data.get("limits") or {}),
        "figure": data.get("figure"),
    }


def build_definition(
    spec: dict[str, Any], texts: Mapping[str, str], module: str = ""
) -> ExerciseDef:
    """The plain ExerciseDef that grader.grade receives, from a stored spec and the texts of the
    trusted files it names (`digest → text`)."""
    files = {name: texts[digest] for name, digest in spec.get("files", {}).items()}
    parts = []
    for part in spec["parts"]:
        config = dict(part["config"])
        config.pop("tests_source", None)  # only ever the stored trusted file, never spec text
        if answer_kind(part["kind"]).math and "euler" not in config:  # stored before the flag
            config["euler"] = uses_euler(config, spec.get("params"))
        if part["kind"] == "code":
            if "tests.py" in files:
                config["tests_source"] = files["tests.py"]
            config.setdefault("limits", spec.get("limits", {}))
        parts.append(PartDef(part["name"], part["kind"], part["weight"], config))
    return ExerciseDef(
        slug=spec["slug"],
        title=spec["title"],
        parts=tuple(parts),
        version=spec.get("version", 1),
        module=module,
        prompt=spec.get("prompt", ""),
        params=spec.get("params", []),
        redraw_if=spec.get("redraw_if"),
        hints=tuple(spec.get("hints", ())),
        solution=spec.get("solution", ""),
        solution_after=spec.get("solution_after"),
        tags=tuple(spec.get("tags", ())),
        limits=spec.get("limits", {}),
        files=files,
        figure=spec.get("figure"),
    )


def check_definition(spec: dict[str, Any], texts: Mapping[str, str]) -> list[str]:
    """Authoring errors found by each part's answer kind ("field: reason")."""
    definition = build_definition(spec, texts)
    errors = []
    for index, part in enumerate(definition.parts):
        kind = answer_kind(part.kind)
        errors.extend(kind.check_config(part))
        carried = part.config.get("follow_through")
        if carried is not None and not kind.follows_through:
            following = _in_a_sentence([k for k in KINDS if answer_kind(k).follows_through], "and")
            errors.append(f"parts.{part.name}.follow_through: only {following} parts carry forward")
        if isinstance(carried, dict) and isinstance(carried.get("from"), list):
            before = {p.name for p in definition.parts[:index] if answer_kind(p.kind).carried}
            for name in carried["from"]:
                if name not in before:
                    kinds = _in_a_sentence([k for k in KINDS if answer_kind(k).carried], "or")
                    errors.append(
                        f"parts.{part.name}.follow_through.from: {name!r} is not an earlier "
                        f"{kinds} part"
                    )
    return errors


def _check_cross_references(bank: Bank) -> None:
    slugs: dict[str, str] = {}
    for loaded in bank.exercises:
        slug = loaded.spec["slug"]
        if slug in slugs:
            bank.errors.append(BankError(loaded.path, "slug", f"also used by {slugs[slug]}"))
        slugs[slug] = loaded.path
    quiz_slugs = set()
    for module in bank.modules:
        for quiz in module.quizzes:
            if quiz.slug in quiz_slugs:
                bank.errors.append(
                    BankError(
                        f"exercises/{module.slug}/_module.yaml",
                        f"quizzes.{quiz.slug}",
                        "quiz slug used twice",
                    )
                )
            quiz_slugs.add(quiz.slug)
            for slug in quiz.exercises:
                if slug not in slugs:
                    bank.errors.append(
                        BankError(
                            f"exercises/{module.slug}/_module.yaml",
                            f"quizzes.{quiz.slug}",
                            f"no exercise {slug!r}",
                        )
                    )


def _in_a_sentence(kinds: list[str], conjunction: str) -> str:
    """Kinds in a sentence: "number, expression or matrix"."""
    return f" {conjunction} ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
