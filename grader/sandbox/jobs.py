"""Running a job: what goes in (code and inputs), what comes out (decoded values), and how.

The trusted side builds a Job from data only; `Sandbox.run` sends it to the worker's fork server
(started lazily, restarted after a crash) or, when the server cannot run, to a fresh sandbox, and
decodes what comes back strictly. Expected values never leave this process.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from grader.sandbox.channel import Conversation, Exit, printable
from grader.sandbox.forkserver import ForkServer, SandboxError, begin_fresh
from grader.sandbox.inside import protocol
from grader.sandbox.launcher import Setup


@dataclass
class Call:
    """One call of the learner's function; `return_args` sends the arguments back afterwards."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    return_args: bool = False


@dataclass
class Job:
    """The learner's code and the calls to make; limits in seconds (wall) and MiB (address space)."""

    code: str
    function: str
    calls: list[Call] = field(default_factory=list)
    forbidden: list[str] = field(default_factory=list)
    allow_scipy: bool = False
    seconds: float = 5.0
    memory_mb: int = 512


class OutcomeKind(StrEnum):
    """What became of one call."""

    VALUE = "value"  # it returned `Outcome.value`
    RAISED = "raised"  # it raised: `Outcome.raised` describes the exception
    MEMORY = "memory"  # it ran out of memory
    UNSUPPORTED = "unsupported"  # it returned something the protocol cannot carry
    LOST = "lost"  # no result came back (the process died, or the frame was malformed)


@dataclass
class Outcome:
    """What one call did: exactly one of value / raised / memory / unsupported, or nothing (lost)."""

    kind: OutcomeKind
    value: Any = None
    raised: dict[str, Any] | None = None
    args_after: list[Any] | None = None
    message: str = ""


@dataclass
class JobResult:
    outcomes: list[Outcome]
    syntax: dict[str, Any] | None = None
    load_error: dict[str, Any] | None = None
    missing: str | None = None
    static: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[Any] = field(default_factory=list)
    stdout: str = ""
    stderr: str = ""
    exit: Exit = field(default_factory=Exit)
    output_exceeded: bool = False
    protocol_error: str | None = None
    confinement_error: str | None = None
    mode: str = "fork-server"
    seconds: float = 0.0
    confine_seconds: float = 0.0  # as the job process measured it (a figure, never trusted)
    frames_received: int = 0


class SessionEnded(Exception):
    """The job ended (timeout, crash, limit) before the session was over."""


class BudgetExceeded(Exception):
    """The session asked for more calls than its budget."""


class Session:
    """A step-driven session: a fresh module, then calls as the trusted side decides, within a call
    budget."""

    def __init__(self, conversation: Conversation, result: JobResult, budget: int):
        self.conversation, self.result, self.budget = conversation, result, budget
        self.calls = 0

    def start(self) -> bool:
        """False (and the reason in the job result) when the learner's module fails to load."""
        self.conversation.send({"op": "start"})
        header, _ = self._receive()
        if header.get("started") is True:
            return True
        _record_load_failure(self.result, header)
        return False

    def call(self, *args: Any) -> Outcome:
        return self.call_each(args)[0]

    def call_each(self, *calls: Sequence[Any]) -> list[Outcome]:
        """Independent calls (each its arguments), sent together: their outcomes in order, for one
        wait on the pipes instead of one a call."""
        if self.calls + len(calls) > self.budget:
            raise BudgetExceeded(f"more than {self.budget} calls")
        self.calls += len(calls)
        for args in calls:
            blobs: list[bytes] = []
            self.conversation.send(
                {"op": "call", "args": [protocol.encode(a, blobs) for a in args]}, blobs
            )
        outcomes = []
        for _ in calls:
            header, blobs = self._receive()
            if header.get("call") is not True:
                raise SessionEnded("unexpected message")
            outcomes.append(decode_outcome(header, blobs))
        return outcomes

    def _receive(self) -> tuple[dict[str, Any], list[bytes]]:
        frame = self.conversation.receive()
        if frame is None:
            raise SessionEnded("the job ended")
        return frame


SessionDriver = Callable[[Session], Any]
Progress = Callable[[int], None]  # told the number of tests (calls and sessions) finished so far


def decode_outcome(header: dict[str, Any], blobs: list[bytes]) -> Outcome:
    """One call's result frame, validated; anything malformed is the learner's fault ("lost")."""
    try:
        if "value" in header:
            outcome = Outcome(OutcomeKind.VALUE, value=protocol.decode(header["value"], blobs))
        elif isinstance(header.get("raised"), dict):
            outcome = Outcome(OutcomeKind.RAISED, raised=_raised(header["raised"]))
        elif header.get("memory") is True:
            outcome = Outcome(OutcomeKind.MEMORY)
        elif isinstance(header.get("unsupported"), str):
            outcome = Outcome(OutcomeKind.UNSUPPORTED, message=header["unsupported"][:200])
        else:
            return Outcome(OutcomeKind.LOST, message="the result was malformed")
        if isinstance(header.get("args"), list):
            outcome.args_after = [protocol.decode(item, blobs) for item in header["args"]]
        return outcome
    except protocol.ProtocolError as error:
        return Outcome(OutcomeKind.LOST, message=f"the result was malformed ({error})")


def _raised(info: dict[str, Any]) -> dict[str, Any]:
    text = {
        key: info.get(key) if isinstance(info.get(key), str) else ""
        for key in ("name", "message", "traceback")
    }
    builtin = info.get("builtin")
    text["builtin"] = (
        [n for n in builtin if isinstance(n, str)][:10] if isinstance(builtin, list) else []
    )
    return {
        key: printable(value[: protocol.MAX_TEXT]) if isinstance(value, str) else value
        for key, value in text.items()
    }


def _record_load_failure(result: JobResult, header: dict[str, Any]) -> bool:
    """Syntax error, error at import time, or no such function; True when the header was one."""
    if isinstance(header.get("syntax"), dict):
        info = header["syntax"]
        result.syntax = {
            "message": printable(str(info.get("message", ""))[:500]),
            "line": info.get("line") if type(info.get("line")) is int else None,
            "column": info.get("column") if type(info.get("column")) is int else None,
        }
    elif isinstance(header.get("load"), dict):
        result.load_error = _raised(header["load"])
    elif isinstance(header.get("missing"), str):
        result.missing = header["missing"][:100]
    elif isinstance(header.get("confinement"), str):
        result.confinement_error = header["confinement"][:500]
    else:
        return False
    return True


def encode_job(job: Job, sessions: bool) -> tuple[dict[str, Any], list[bytes]]:
    blobs: list[bytes] = []
    tests = [
        {
            "args": [protocol.encode(a, blobs) for a in call.args],
            "kwargs": {k: protocol.encode(v, blobs) for k, v in call.kwargs.items()},
            "return_args": call.return_args,
        }
        for call in job.calls
    ]
    header = {
        "function": job.function,
        "code": job.code,
        "forbidden": job.forbidden,
        "allow_scipy": job.allow_scipy,
        "tests": tests,
        "sessions": sessions,
        "limits": {"memory_mb": job.memory_mb, "cpu_seconds": max(1, int(job.seconds + 0.999))},
    }
    return header, blobs


def converse(
    conversation: Conversation,
    job: Job,
    drivers: list[tuple[SessionDriver, int]],
    progress: Progress | None = None,
) -> JobResult:
    """Send the job, collect one frame per call, then drive the sessions."""
    progress = progress or (lambda done: None)
    result = JobResult(outcomes=[])
    header, blobs = encode_job(job, bool(drivers))
    conversation.send(header, blobs)
    expected = len(job.calls)
    loaded = True
    while True:
        frame = conversation.receive()
        if frame is None:
            loaded = False
            break
        header, blobs = frame
        if header.get("done") is True:
            if isinstance(header.get("confine_seconds"), float):
                result.confine_seconds = header["confine_seconds"]
            break
        if isinstance(header.get("static"), list):
            result.static = [
                {
                    "line": f.get("line") if type(f.get("line")) is int else None,
                    "name": printable(str(f.get("name", ""))[:100]),
                }
                for f in header["static"][:20]
                if isinstance(f, dict)
            ]
        elif _record_load_failure(result, header):
            loaded = False
            break
        elif header.get("i") == len(result.outcomes) and len(result.outcomes) < expected:
            result.outcomes.append(decode_outcome(header, blobs))
            progress(len(result.outcomes))
        else:
            conversation.protocol_error = "an unexpected frame"
            conversation.supervisor.kill()
            loaded = False
            break
    if loaded:
        for driver, budget in drivers:
            try:
                result.sessions.append(driver(Session(conversation, result, budget)))
            except (SessionEnded, BudgetExceeded) as error:
                result.sessions.append(error)
            progress(len(result.outcomes) + len(result.sessions))
    result.outcomes += [Outcome(OutcomeKind.LOST) for _ in range(expected - len(result.outcomes))]
    return result


SERVER_RETRY_SECONDS = 30.0


class Sandbox:
    """One worker process's sandbox: its fork server, and whether it may grade at all."""

    def __init__(self, setup: Setup | None = None):
        self.setup = setup or Setup()
        self.server = ForkServer(self.setup)
        self.server_error: str | None = None
        self.retry_server_at = 0.0
        self.owner = os.getpid()
        self.lock = threading.Lock()  # one job at a time per server

    def run(
        self,
        job: Job,
        drivers: Sequence[tuple[SessionDriver, int]] = (),
        progress: Progress | None = None,
    ) -> JobResult:
        """Run `job` (and the session drivers) in a fork-server child, or a fresh sandbox;
        `progress` hears of each test finished.

        A server that died before the job started is replaced and the job run again, once.
        """
        with self.lock:
            result = self._run_once(job, drivers, progress)
            lost = result.exit.server_lost and not result.exit.timed_out
            if lost and not result.frames_received:
                result = self._run_once(job, drivers, progress)
            return result

    def _run_once(
        self, job: Job, drivers: Sequence[tuple[SessionDriver, int]], progress: Progress | None
    ) -> JobResult:
        started = time.perf_counter()
        conversation, mode = self._begin(job)
        try:
            result = converse(conversation, job, list(drivers), progress)
        finally:
            exit = conversation.finish()
        result.exit = exit
        result.stdout, result.stderr = conversation.stdout.text(), conversation.stderr.text()
        result.output_exceeded = conversation.output_exceeded
        result.protocol_error = conversation.protocol_error
        result.frames_received = conversation.received
        result.mode = mode
        result.seconds = time.perf_counter() - started
        return result

    def _begin(self, job: Job) -> tuple[Conversation, str]:
        """A fork-server child; after the server fails twice, fresh sandboxes for a while."""
        for _ in range(2):
            if time.monotonic() < self.retry_server_at:
                break
            try:
                if not self.server.alive:
                    self.server.start()
                conversation = self.server.begin(job.seconds, job.memory_mb)
                self.server_error = None
                return conversation, "fork-server"
            except SandboxError as error:
                self.server_error = str(error)
        else:
            self.retry_server_at = time.monotonic() + SERVER_RETRY_SECONDS
        return begin_fresh(self.setup, job.seconds, job.memory_mb), "fresh"

    def stop(self) -> None:
        """Stop this process's fork server (a forked child leaves its parent's server alone)."""
        if self.owner == os.getpid():
            self.server.stop()
