"""Runs learner Python in bubblewrap with rlimits, Landlock and seccomp, from a warm fork server.

    sandbox_status() -> {"status": "ok" | "degraded" | "unavailable", "missing": [...]}
        for the health endpoint; runs the startup self-test once per worker process
    refuse_unless_ready() -> Sandbox
        this process's sandbox, or SandboxUnavailable: code is never run half-confined
    Sandbox.run(Job, drivers) -> JobResult
        a Job is the learner's code, the function's name and the Calls to make (data only);
        drivers are (callable(Session), call budget) pairs for step-driven sessions

Machine setup: grader/sandbox/setup.sh (the sandbox user and virtualenv), Debian packages
`bubblewrap` and `python3.11-venv`. Environment: TANGENT_SANDBOX_VENV, TANGENT_SANDBOX_USER.
"""

from grader.sandbox.jobs import (
    BudgetExceeded,
    Call,
    Job,
    JobResult,
    Outcome,
    OutcomeKind,
    Sandbox,
    Session,
    SessionEnded,
)
from grader.sandbox.status import (
    SandboxUnavailable,
    default_sandbox,
    refuse_unless_ready,
    sandbox_status,
    self_test,
)

__all__ = [
    "BudgetExceeded",
    "Call",
    "Job",
    "JobResult",
    "Outcome",
    "OutcomeKind",
    "Sandbox",
    "SandboxUnavailable",
    "Session",
    "SessionEnded",
    "default_sandbox",
    "refuse_unless_ready",
    "sandbox_status",
    "self_test",
]
