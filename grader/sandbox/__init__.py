"""Runs learner Python in bubblewrap with rlimits, Landlock and seccomp, from a warm fork server."""

from grader.sandbox.jobs import (
    BudgetExceeded,
    Call,
    Job,
    JobResult,
    Outcome,
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
    "Sandbox",
    "SandboxUnavailable",
    "Session",
    "SessionEnded",
    "default_sandbox",
    "refuse_unless_ready",
    "sandbox_status",
    "self_test",
]
