"""Scoring code answers: from what the sandbox reported to a verdict, per-test credit and feedback.

Everything here runs on the trusted side with decoded plain data; learner text is shown, never read.
"""

from __future__ import annotations

import signal
from collections.abc import Sequence
from typing import Any

import numpy as np

from grader.answers.code_cases import ANY_VALUE, Case, SessionScore, SessionTest
from grader.answers.code_compare import (
    MUTATED,
    call_text,
    compare,
    raised_problem,
    show,
    test_line,
)
from grader.results import Feedback, PartResult, Verdict, has_full_marks, literal
from grader.sandbox import Job, JobResult, Outcome, OutcomeKind
from grader.sandbox.channel import printable

# An input put back by the inverse operation is the same input: round-off of a few ulps.
RESTORED_RTOL, RESTORED_ATOL = 1e-12, 1e-15


def score(
    result: JobResult, cases: list[Case], sessions: list[SessionTest], job: Job
) -> PartResult:
    """Verdict, per-test credit and feedback from what the sandbox reported."""
    feedback = _output_feedback(result)
    if result.syntax:
        line, column = result.syntax["line"], result.syntax["column"]
        where = f" on line {line}, column {column}" if line else ""
        text = f"Syntax error{where}: {literal(result.syntax['message'])}"
        return PartResult(
            Verdict.SYNTAX_ERROR, 0.0, [Feedback("message", text, {"line": line, "column": column})]
        )
    feedback += _static_feedback(result)
    limit = _limit_verdict(result)
    if limit is not None:
        return PartResult(limit[0], 0.0, [Feedback("message", limit[1]), *feedback])
    if result.load_error:
        text = f"Your code raised {literal(result.load_error['name'])} while it was being loaded."
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
        text = f"Define a function named {literal(result.missing)}."
        return PartResult(Verdict.ERROR, 0.0, [Feedback("message", text), *feedback])
    lost = [o for o in result.outcomes if o.kind == OutcomeKind.LOST]
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
        credit, session_items = _judge_session(session, outcome, result)
        earned += session.weight * credit
        total += session.weight
        items += session_items
    fraction = earned / total if total else 0.0
    verdict = Verdict.for_score(fraction)
    if (
        fraction == 0
        and cases
        and all(o.kind == OutcomeKind.RAISED for o in result.outcomes)
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
        problem = MUTATED
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
        call = call_text(function, case.args)
        text = test_line(label, call, problem, _expected(case, show), _shown_actual(outcome, show))
    else:
        # A hidden test's data stays hidden, but a changed input says nothing about it.
        reason = f": {problem}" if problem == MUTATED else ""
        text = f"{label} (hidden): " + ("passed" if passed else f"failed{reason}")
    items = [Feedback("test", text, data)]
    if not passed and outcome.kind == OutcomeKind.RAISED and case.raises is None:
        trace = (
            _raised(outcome)["traceback"]
            if case.visible
            else f"{_raised(outcome)['name']} was raised."
        )
        items.append(Feedback("traceback", trace, {"test": label}))
    fired = None
    if not passed:
        for mistake in case.mistakes:
            if mistake.matches(outcome, max(case.rtol, 1e-6), max(case.atol, 1e-9)):
                items.append(
                    Feedback("diagnosis", mistake.feedback, {"rule": mistake.rule, "test": label})
                )
                fired = mistake.rule
                break
    if (
        case.figure is not None and case.visible and outcome.kind == OutcomeKind.VALUE
    ):  # hidden: no values
        items += _figure_items([_drawn(case, outcome.value)], label)
    return passed, items, fired


def _raised(outcome: Outcome) -> dict[str, Any]:
    """What a call that raised reported (its name, message, traceback, builtin bases)."""
    assert outcome.raised is not None, "only for an outcome of kind raised"
    return outcome.raised


def _drawn(case: Case, value: Any) -> dict[str, Any] | None:
    """The case's figure of the learner's value; None when the value cannot be drawn."""
    if case.figure is None:
        return None
    try:
        return case.figure(value)
    except (TypeError, ValueError, IndexError, ArithmeticError):
        return None


def _figure_items(figures: Sequence[dict[str, Any] | None], label: str) -> list[Feedback]:
    return [
        Feedback("figure", figure["title"], {"figure": figure, "test": label})
        for figure in figures
        if figure
    ]


def _mutated(args: tuple[Any, ...], after: list[Any] | None) -> bool:
    """Whether any array argument came back changed (`after` is None when it could not be sent).

    Round-off is not a change: `x[i] += h; ...; x[i] -= h` restores x to within an ulp or two,
    which is how many learners write a finite difference."""
    if after is None or len(after) != len(args):
        return False
    return any(
        compare(a, b, RESTORED_RTOL, RESTORED_ATOL) is not None
        for a, b in zip(args, after, strict=True)
        if isinstance(a, np.ndarray) and b is not None
    )


def _problem(case: Case, outcome: Outcome) -> str | None:
    if case.raises is not None:
        if outcome.kind == OutcomeKind.RAISED and case.raises in _raised(outcome)["builtin"]:
            return None
        return f"expected it to raise {case.raises}"
    if outcome.kind == OutcomeKind.RAISED:
        return raised_problem(_raised(outcome)["name"], _raised(outcome)["message"])
    if outcome.kind == OutcomeKind.UNSUPPORTED:
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
    if outcome.kind == OutcomeKind.VALUE:
        return render(outcome.value)
    if outcome.kind == OutcomeKind.RAISED:
        return f"raised {_raised(outcome)['name']}"
    return outcome.message or outcome.kind


def _judge_session(
    session: SessionTest, outcome: Any, result: JobResult
) -> tuple[float, list[Feedback]]:
    label = session.name
    if isinstance(outcome, SessionScore):
        credit = min(1.0, max(0.0, float(outcome.score)))
        text = (
            f"{label}: {outcome.text}" if session.visible else f"{label} (hidden): {outcome.text}"
        )
        data = dict(
            outcome.data if session.visible else {},
            name=label,
            passed=has_full_marks(credit),
            score=credit,
        )
        return credit, [Feedback("test", text, data), *_figure_items(outcome.figures, label)]
    reason = str(outcome) if isinstance(outcome, Exception) else "your function could not be loaded"
    return 0.0, [
        Feedback(
            "test", f"{label}: stopped ({reason})", {"name": label, "passed": False, "score": 0}
        )
    ]


def _limit_verdict(result: JobResult) -> tuple[Verdict, str] | None:
    if result.output_exceeded:
        return Verdict.OUTPUT_LIMIT, "Your code printed too much output; it was stopped."
    if result.exit.oom or any(o.kind == OutcomeKind.MEMORY for o in result.outcomes):
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
            f"Line {f.get('line')}: this exercise asks you not to use {literal(str(f.get('name')))}; "
            "the tests decide your score.",
            {"line": f.get("line"), "rule": "forbidden-call"},
        )
        for f in result.static
    ]


def plain(value: Any) -> Any:
    """A JSON-ready copy of a value for feedback data."""
    if isinstance(value, np.ndarray):
        return (
            plain(value.tolist()) if value.size <= 1000 else f"array of shape {list(value.shape)}"
        )
    if isinstance(value, (np.floating, np.integer, np.bool_)):
        return value.item()
    if isinstance(value, float) and not np.isfinite(value):
        return str(value)
    if isinstance(value, (tuple, list)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if hasattr(value, "kind") and hasattr(value, "args"):
        return {"function": value.kind}
    if isinstance(value, str):
        return printable(value)
    return value
