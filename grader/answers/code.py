"""Code answers: the learner writes a Python function; the sandbox runs it on the exercise's test
inputs and the trusted side compares the outputs with the expected values.

Part configuration (YAML keys of a `kind: code` part):
    function     name of the function the learner defines (required)
    signature    how the prompt shows it, e.g. "d_sigma(z: ndarray) -> ndarray"
    tests_source the text of the exercise's trusted tests.py (set from the version's stored files)
    starter      code the editor starts with
    forbidden    dotted names the static check flags, e.g. [numpy.polyfit] (advisory)
    allow_scipy  whether the learner's code may import scipy (default false)
    limits       {seconds: wall-clock limit (default 5), memory_mb: address space (default 512)}
"""

from __future__ import annotations

import hashlib
import json
import types
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from grader import progress
from grader.answers import AnswerKind, Form, Page, Payload, Preview
from grader.results import GraderError, InvalidAnswer, PartResult
from grader.spec import PartDef

if TYPE_CHECKING:
    from grader.answers.code_cases import Case, SessionTest

# The sandbox (and NumPy) are imported when code is graded: reading, showing or validating a code
# answer in a web process does not load them.

MAX_CODE_BYTES = 64 * 1024
DEFAULT_SECONDS = 5.0
DEFAULT_MEMORY_MB = 512


def check_config(part: PartDef) -> list[str]:
    """Authoring errors in a code part's configuration."""
    config, errors = part.config, []
    if not str(config.get("function", "")).isidentifier():
        errors.append("`function` must name the Python function learners write")
    source = config.get("tests_source")
    if not isinstance(source, str):
        errors.append("a code exercise needs a tests.py beside its exercise.yaml")
    else:
        try:
            if not callable(getattr(load_tests(source), "cases", None)):
                errors.append("tests.py must define cases(params, rng)")
        except Exception as error:  # an authoring error, reported as such
            errors.append(f"tests.py does not import: {error}")
    forbidden = config.get("forbidden", [])
    if not isinstance(forbidden, list) or not all(isinstance(n, str) for n in forbidden):
        errors.append("`forbidden` must be a list of dotted names")
    if not isinstance(config.get("allow_scipy", False), bool):
        errors.append("`allow_scipy` must be true or false")
    limits = config.get("limits", {})
    if not isinstance(limits, dict) or not all(
        isinstance(limits.get(key, 1), (int, float)) and 0 < limits.get(key, 1) <= bound
        for key, bound in (("seconds", 60), ("memory_mb", 4096))
    ):
        errors.append("`limits` takes seconds (≤ 60) and memory_mb (≤ 4096)")
    return errors


def read(part: PartDef, payload: dict[str, Any]) -> str:
    """The learner's source code; empty or over 64 KB is not an attempt."""
    code = payload.get("code") if isinstance(payload, dict) else None
    if not isinstance(code, str) or not code.strip():
        raise InvalidAnswer("Write your function before submitting.")
    if len(code.encode("utf-8", "surrogatepass")) > MAX_CODE_BYTES:
        raise InvalidAnswer("The code is over the 64 KB limit.")
    if "\x00" in code:
        raise InvalidAnswer("The code contains a NUL character.")
    return code


def grade(part: PartDef, params: dict[str, Any], payload: dict[str, Any]) -> PartResult:
    """Run every test (visible, hidden and sessions) and score them."""
    return evaluate(part, params, read(part, payload), visible_only=False)


def run_examples(part: PartDef, params: dict[str, Any], payload: dict[str, Any]) -> PartResult:
    """ "Run my tests": the visible tests only, shown in full (not an attempt)."""
    return evaluate(part, params, read(part, payload), visible_only=True)


def load_tests(source: str) -> Any:
    """The exercise's trusted tests module, from its text: imported once per content (by hash)."""
    return _tests_module(hashlib.sha256(source.encode("utf-8")).hexdigest(), source)


@lru_cache(maxsize=256)
def _tests_module(digest: str, source: str) -> types.ModuleType:
    module = types.ModuleType(f"exercise_tests_{digest[:16]}")
    module.__file__ = f"tests.py@{digest[:12]}"
    exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 (trusted file)
    return module


_KEPT_CASES: ContextVar[dict[tuple[str, str], list[Any]] | None] = ContextVar(
    "kept_cases", default=None
)


@contextmanager
def cases_kept() -> Iterator[None]:
    """Within it, each variant's cases are drawn once and used for every grading: for one variant
    graded with several programs (the bank's validator: the reference and each planted mistake).
    Elsewhere each grading draws them afresh, so no state of a case outlives its grading."""
    token = _KEPT_CASES.set({})
    try:
        yield
    finally:
        _KEPT_CASES.reset(token)


def draw_cases(part: PartDef, params: dict[str, Any]) -> list[Case | SessionTest]:
    """The variant's cases; the generator is seeded from the parameters, so grading is repeatable."""
    seed_text = json.dumps([part.name, params], sort_keys=True, default=str)
    source = part.config["tests_source"]
    kept = _KEPT_CASES.get()
    key = (
        (hashlib.sha256(source.encode("utf-8")).hexdigest(), seed_text)
        if kept is not None
        else None
    )
    if kept is not None and key in kept:
        return list(kept[key])
    seed = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "little")
    import numpy as np

    try:
        drawn = list(load_tests(source).cases(params, np.random.default_rng(seed)))
    except Exception as error:
        raise GraderError(f"the exercise's tests failed: {error!r}") from error
    if kept is not None and key is not None:
        kept[key] = drawn
    return list(drawn)


def evaluate(part: PartDef, params: dict[str, Any], code: str, visible_only: bool) -> PartResult:
    from grader.answers.code_cases import Case, SessionTest
    from grader.answers.code_scoring import score
    from grader.sandbox import Call, Job, SandboxUnavailable, refuse_unless_ready

    drawn = [c for c in draw_cases(part, params) if c.visible or not visible_only]
    cases = [c for c in drawn if isinstance(c, Case)]
    sessions = [c for c in drawn if isinstance(c, SessionTest)]
    limits = part.config.get("limits", {})
    job = Job(
        code=code,
        function=part.config["function"],
        calls=[Call(c.args, c.kwargs, return_args=c.not_mutated) for c in cases],
        forbidden=list(part.config.get("forbidden", [])),
        allow_scipy=bool(part.config.get("allow_scipy", False)),
        seconds=float(limits.get("seconds", DEFAULT_SECONDS)),
        memory_mb=int(limits.get("memory_mb", DEFAULT_MEMORY_MB)),
    )
    total = len(cases) + len(sessions)
    progress.report(0, total)
    try:
        sandbox = refuse_unless_ready()
        result = sandbox.run(
            job,
            [(_guarded(s.drive), s.budget) for s in sessions],
            lambda done: progress.report(done, total),
        )
    except SandboxUnavailable as error:
        raise GraderError(str(error)) from error
    if result.confinement_error or (result.exit.server_lost and not result.exit.timed_out):
        raise GraderError(f"the sandbox failed: {result.confinement_error or 'fork server lost'}")
    return score(result, cases, sessions, job)


def _guarded(drive: Any) -> Any:
    """A session driver whose own failures are ours (GraderError), not the learner's."""

    from grader.sandbox import BudgetExceeded, SessionEnded

    def run(session: Any) -> Any:
        if not session.start():
            return None
        try:
            return drive(session)
        except (SessionEnded, BudgetExceeded):
            raise
        except Exception as error:
            raise GraderError(f"the exercise's session driver failed: {error!r}") from error

    return run


def _read_form(part: PartDef, field: str, form: Form, page: Page) -> Payload:
    return {"code": form.get(field, "") or ""}


def _widget(part: PartDef, field: str, page: Page) -> dict[str, Any]:
    return {
        "starter": part.config.get("starter", ""),
        "signature": part.config.get("signature", ""),
        "has_examples": True,
    }


KIND = AnswerKind(
    name="code",
    payload_keys=("code",),
    size_limit=MAX_CODE_BYTES,
    math=False,
    check_config=check_config,
    read=read,
    grade=grade,
    run_examples=run_examples,
    read_form=_read_form,
    widget=_widget,
    shown=lambda part, payload, page: ("code", str(payload.get("code", ""))),
    # The right and wrong programs are planted in the exercise folder's solutions/, not authored.
    reference=lambda part, params: None,
    mistakes=lambda part, params: [],
    preview=lambda part, params: Preview(
        "graded by its tests (see tests.py and the worked solution)"
    ),
)
