"""Code answers: the learner writes a Python function; the sandbox runs it on the exercise's test
inputs and the trusted side compares the outputs with the expected values.

Part configuration (YAML keys of a `kind: code` part):
    function     name of the function the learner defines (required)
    signature    how the prompt shows it, e.g. "d_sigma(z: ndarray) -> ndarray"
    tests_path   absolute path of the exercise's trusted tests.py (set by the loader from `tests`)
    starter      code the editor starts with
    forbidden    dotted names the static check flags, e.g. [numpy.polyfit] (advisory)
    allow_scipy  whether the learner's code may import scipy (default false)
    limits       {seconds: wall-clock limit (default 5), memory_mb: address space (default 512)}
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import signal
from typing import Any

import numpy as np

from grader.answers.code_cases import ANY_VALUE, Case, SessionScore, SessionTest
from grader.answers.code_compare import compare, plain, show
from grader.results import Feedback, GraderError, InvalidAnswer, PartResult, Verdict
from grader.sandbox import (
    BudgetExceeded,
    Call,
    Job,
    JobResult,
    Outcome,
    SandboxUnavailable,
    SessionEnded,
    refuse_unless_ready,
)
from grader.spec import PartDef

MAX_CODE_BYTES = 64 * 1024
DEFAULT_SECONDS = 5.0
DEFAULT_MEMORY_MB = 512
_tests_cache: dict[tuple[str, float], Any] = {}


def check_config(part: PartDef) -> list[str]:
    """Authoring errors in a code part's configuration."""
    config, errors = part.config, []
    if not str(config.get("function", "")).isidentifier():
        errors.append("`function` must name the Python function learners write")
    path = config.get("tests_path")
    if not path or not os.path.isfile(str(path)):
        errors.append(f"`tests` must name the exercise's tests.py (found {path!r})")
    else:
        try:
            if not callable(getattr(load_tests(path), "cases", None)):
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


def load_tests(path: str) -> Any:
    """The exercise's trusted tests module, imported once per file version."""
    key = (path, os.path.getmtime(path))
    if key not in _tests_cache:
        name = "exercise_tests_" + hashlib.sha256(path.encode()).hexdigest()[:16]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _tests_cache[key] = module
    return _tests_cache[key]


def draw_cases(part: PartDef, params: dict[str, Any]) -> list[Case | SessionTest]:
    """The variant's cases; the generator is seeded from the parameters, so grading is repeatable."""
    seed_text = json.dumps([part.name, params], sort_keys=True, default=str)
    seed = int.from_bytes(hashlib.sha256(seed_text.encode()).digest()[:8], "little")
    try:
        return list(
            load_tests(part.config["tests_path"]).cases(params, np.random.default_rng(seed))
        )
    except Exception as error:
        raise GraderError(f"the exercise's tests failed: {error!r}") from error


def evaluate(part: PartDef, params: dict[str, Any], code: str, visible_only: bool) -> PartResult:
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
    try:
        sandbox = refuse_unless_ready()
        result = sandbox.run(job, [(_guarded(s.drive), s.budget) for s in sessions])
    except SandboxUnavailable as error:
        raise GraderError(str(error)) from error
    if result.confinement_error or (result.exit.server_lost and not result.exit.timed_out):
        raise GraderError(f"the sandbox failed: {result.confinement_error or 'fork server lost'}")
    return score(result, cases, sessions, job)


def _guarded(drive: Any) -> Any:
    """A session driver whose own failures are ours (GraderError), not the learner's."""

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


def score(
    result: JobResult, cases: list[Case], sessions: list[SessionTest], job: Job
) -> PartResult:
    """Verdict, per-test credit and feedback from what the sandbox reported."""
    feedback = _output_feedback(result)
    if result.syntax:
        line, column = result.syntax["line"], result.syntax["column"]
        where = f" on line {line}, column {column}" if line else ""
        text = f"Syntax error{where}: {result.syntax['message']}"
        return PartResult(
            Verdict.SYNTAX_ERROR, 0.0, [Feedback("message", text, {"line": line, "column": column})]
        )
    feedback += _static_feedback(result)
    limit = _limit_verdict(result)
    if limit is not None:
        return PartResult(limit[0], 0.0, [Feedback("message", limit[1]), *feedback])
    if result.load_error:
        text = f"Your code raised {result.load_error['name']} while it was being loaded."
        return PartResult(
            Verdict.ERROR,
            0.0,
            [
                Feedback("message", text),
                Feedback("traceback", result.load_error["traceback"]),
                *feedback,
            ],
        )
    if result.missing:
        text = f"Define a function named `{result.missing}`."
        return PartResult(Verdict.ERROR, 0.0, [Feedback("message", text), *feedback])
    lost = [o for o in result.outcomes if o.kind == "lost"]
    if lost or result.protocol_error:
        return PartResult(
            Verdict.ERROR, 0.0, [Feedback("message", _lost_message(result)), *feedback]
        )

    earned = total = 0.0
    rule = None
    items = []
    for index, (case, outcome) in enumerate(zip(cases, result.outcomes, strict=True), start=1):
        passed, test_items, fired = _judge(index, case, outcome, job.function)
        earned += case.weight * passed
        total += case.weight
        items += test_items
        rule = rule or fired
    for session, outcome in zip(sessions, result.sessions + [None] * len(sessions), strict=False):
        credit, item = _judge_session(session, outcome, result)
        earned += session.weight * credit
        total += session.weight
        items.append(item)
    fraction = earned / total if total else 0.0
    verdict = (
        Verdict.CORRECT if fraction >= 1 else Verdict.PARTIAL if fraction > 0 else Verdict.INCORRECT
    )
    if (
        fraction == 0
        and cases
        and all(o.kind == "raised" for o in result.outcomes)
        and not any(c.raises for c in cases)
    ):
        verdict = Verdict.ERROR  # every call raised: the learner's exception is the news
    return PartResult(verdict, round(fraction, 6), items + feedback, rule)


def _judge(
    index: int, case: Case, outcome: Outcome, function: str
) -> tuple[bool, list[Feedback], str | None]:
    """One case: passed?, its feedback items, and the mistake rule that fired."""
    label = case.name or f"Test {index}"
    problem = _problem(case, outcome)
    if problem is None:
        problem = next(
            (c.feedback for c in case.checks if not _check_passes(c, outcome.value, case)), None
        )
    if problem is None and case.not_mutated and _mutated(case.args, outcome.args_after):
        problem = "your function changed its input array in place; work on a copy"
    passed = problem is None
    data: dict[str, Any] = {
        "name": label,
        "visible": case.visible,
        "passed": passed,
        "weight": case.weight,
    }
    if case.visible:
        data.update(
            args=[plain(a) for a in case.args],
            rtol=case.rtol,
            atol=case.atol,
            expected=_expected(case, plain),
            actual=_shown_actual(outcome, plain),
        )
        call = f"{function}({', '.join(show(a, 120) for a in case.args)})"
        text = f"{label}: {call} " + ("passed" if passed else f"failed: {problem}")
        if not passed:
            text += f"\n  expected {_expected(case, show)}"
            text += f"\n  got      {_shown_actual(outcome, show)}"
    else:
        text = f"{label} (hidden): " + ("passed" if passed else "failed")
    items = [Feedback("test", text, data)]
    if not passed and outcome.kind == "raised" and case.raises is None:
        trace = (
            outcome.raised["traceback"] if case.visible else f"{outcome.raised['name']} was raised."
        )
        items.append(Feedback("traceback", trace, {"test": label}))
    fired = None
    if not passed and outcome.kind == "value":
        for mistake in case.mistakes:
            if (
                compare(mistake.value, outcome.value, max(case.rtol, 1e-6), max(case.atol, 1e-9))
                is None
            ):
                items.append(
                    Feedback("diagnosis", mistake.feedback, {"rule": mistake.rule, "test": label})
                )
                fired = mistake.rule
                break
    return passed, items, fired


def _mutated(args: tuple[Any, ...], after: list[Any] | None) -> bool:
    """Whether any array argument came back changed (`after` is None when it could not be sent)."""
    if after is None or len(after) != len(args):
        return False
    return any(
        compare(a, b, 0, 0) is not None
        for a, b in zip(args, after, strict=True)
        if isinstance(a, np.ndarray) and b is not None
    )


def _problem(case: Case, outcome: Outcome) -> str | None:
    if case.raises is not None:
        if outcome.kind == "raised" and case.raises in outcome.raised["builtin"]:
            return None
        return f"expected it to raise {case.raises}"
    if outcome.kind == "raised":
        return f"it raised {outcome.raised['name']}: {outcome.raised['message']}".strip(": ")
    if outcome.kind == "unsupported":
        return f"it returned {outcome.message}"
    if case.expected is ANY_VALUE:
        return None
    return compare(case.expected, outcome.value, case.rtol, case.atol)


def _check_passes(check: Any, value: Any, case: Case) -> bool:
    try:
        return bool(check.passes(value, list(case.args)))
    except (TypeError, ValueError, IndexError, ArithmeticError):
        return False


def _expected(case: Case, render: Any) -> Any:
    """What a visible case expects, for feedback: a value, "raises X", or the checks' names."""
    if case.raises is not None:
        return f"raises {case.raises}"
    if case.expected is ANY_VALUE:
        return "; ".join(check.name for check in case.checks)
    return render(case.expected)


def _shown_actual(outcome: Outcome, render: Any) -> Any:
    if outcome.kind == "value":
        return render(outcome.value)
    if outcome.kind == "raised":
        return f"raised {outcome.raised['name']}"
    return outcome.message or outcome.kind


def _judge_session(session: SessionTest, outcome: Any, result: JobResult) -> tuple[float, Feedback]:
    label = session.name
    if isinstance(outcome, SessionScore):
        credit = min(1.0, max(0.0, float(outcome.score)))
        text = (
            f"{label}: {outcome.text}" if session.visible else f"{label} (hidden): {outcome.text}"
        )
        data = dict(
            outcome.data if session.visible else {}, name=label, passed=credit >= 1, score=credit
        )
        return credit, Feedback("test", text, data)
    reason = str(outcome) if isinstance(outcome, Exception) else "your function could not be loaded"
    return 0.0, Feedback(
        "test", f"{label}: stopped ({reason})", {"name": label, "passed": False, "score": 0}
    )


def _limit_verdict(result: JobResult) -> tuple[Verdict, str] | None:
    if result.output_exceeded:
        return Verdict.OUTPUT_LIMIT, "Your code printed too much output; it was stopped."
    if result.exit.oom or any(o.kind == "memory" for o in result.outcomes):
        return Verdict.MEMORY, "Your code ran out of memory."
    cpu_limit = result.exit.code in (-signal.SIGXCPU, -signal.SIGKILL) and not result.exit.killed
    if result.exit.timed_out or cpu_limit:
        return Verdict.TIMEOUT, "Your code took too long and was stopped."
    return None


def _lost_message(result: JobResult) -> str:
    if result.protocol_error:
        return "Your code interfered with the test harness, so its results could not be read."
    code = result.exit.code
    if code is not None and code < 0:
        name = (
            signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
        )
        return f"Your program crashed ({name}) before the tests finished."
    return f"Your program ended (exit status {code}) before the tests finished."


def _output_feedback(result: JobResult) -> list[Feedback]:
    items = []
    for stream, text in (("stdout", result.stdout), ("stderr", result.stderr)):
        if text:
            items.append(Feedback("stdout", text, {"stream": stream}))
    return items


def _static_feedback(result: JobResult) -> list[Feedback]:
    return [
        Feedback(
            "message",
            f"Line {f.get('line')}: this exercise asks you not to use `{f.get('name')}`; "
            "the tests decide your score.",
            {"line": f.get("line"), "rule": "forbidden-call"},
        )
        for f in result.static
    ]
