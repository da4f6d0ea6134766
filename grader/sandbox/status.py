"""Whether this worker may run learner code: the startup self-test and the health status.

The self-test runs attack probes as an ordinary job (the same path as learner code) and
requires every one to be contained; a worker whose self-test fails refuses to grade code.
"""

from __future__ import annotations

import atexit
import os
import threading
from typing import Any

from grader.sandbox.inside import confine
from grader.sandbox.jobs import Call, Job, OutcomeKind, Sandbox
from grader.sandbox.launcher import Cgroup

# Each probe returns True when the attack was contained.
PROBE_CODE = """
import os, socket, ctypes

def contained(action):
    try:
        action()
    except BaseException:
        return True
    return False

def tcp():
    socket.create_connection(("127.0.0.1", 6379), timeout=0.2)

def write_outside():
    open("/tmp/escaped", "w").write("x")

def environ():
    data = open("/proc/1/environ", "rb").read()
    if data:
        return
    raise OSError("empty")

def probe():
    libc = ctypes.CDLL(None, use_errno=True)
    return {
        "network": contained(tcp),
        "socket": contained(lambda: socket.socket(socket.AF_UNIX)),
        "fork": contained(os.fork),
        "exec": contained(lambda: os.execv("/usr/bin/true", ["true"])),
        "etc": contained(lambda: open("/etc/passwd").read()),
        "environ": contained(environ),
        "write": contained(write_outside),
        "ptrace": libc.ptrace(16, 1, 0, 0) != 0,
        "unshare": libc.unshare(0x10000000) != 0,
        "uid": os.getuid() != 0,
        "env": len(os.environ) <= 2,
    }
"""
PROBES = (
    "network",
    "socket",
    "fork",
    "exec",
    "etc",
    "environ",
    "write",
    "ptrace",
    "unshare",
    "uid",
    "env",
)

_lock = threading.Lock()
_sandbox: Sandbox | None = None
_checked: dict[int, list[str]] = {}


def default_sandbox() -> Sandbox:
    """This process's sandbox (a new one after a fork: servers are never shared)."""
    global _sandbox
    with _lock:
        if _sandbox is None or _sandbox.owner != os.getpid():
            _sandbox = Sandbox()
            atexit.register(_sandbox.stop)
        return _sandbox


def self_test(sandbox: Sandbox | None = None) -> list[str]:
    """What is missing or not contained; empty when the sandbox may run learner code."""
    sandbox = sandbox or default_sandbox()
    missing = sandbox.setup.missing()
    if missing:
        return missing
    abi = confine.landlock_abi()
    if abi < confine.MIN_LANDLOCK_ABI:
        return [f"Landlock ABI {confine.MIN_LANDLOCK_ABI} (kernel has {abi})"]
    try:
        result = sandbox.run(Job(PROBE_CODE, "probe", calls=[Call()], seconds=5))
    except OSError as error:
        return [f"sandbox start ({error})"]
    if result.confinement_error:
        return [f"confinement ({result.confinement_error})"]
    outcome = result.outcomes[0]
    if outcome.kind != OutcomeKind.VALUE or not isinstance(outcome.value, dict):
        detail = result.stderr.strip().splitlines()[-1:] or [outcome.kind]
        return [f"self-test did not run ({detail[0]})"]
    return [f"contained: {name}" for name in PROBES if outcome.value.get(name) is not True]


def checked_missing(sandbox: Sandbox | None = None) -> list[str]:
    """The self-test's findings, run once per worker process."""
    sandbox = sandbox or default_sandbox()
    pid = os.getpid()
    if pid not in _checked:
        _checked[pid] = self_test(sandbox)
    return _checked[pid]


def sandbox_status(sandbox: Sandbox | None = None) -> dict[str, Any]:
    """{"status": "ok" | "degraded" | "unavailable", "missing": [...]} for the health endpoint."""
    sandbox = sandbox or default_sandbox()
    missing = checked_missing(sandbox)
    if missing:
        return {"status": "unavailable", "missing": missing}
    degraded = []
    if sandbox.server_error is not None:
        degraded.append(f"fork server (fresh sandbox per job: {sandbox.server_error})")
    if not Cgroup.available():
        degraded.append("per-job cgroups (memory and pids limited by rlimits and seccomp only)")
    return {"status": "degraded" if degraded else "ok", "missing": degraded}


class SandboxUnavailable(RuntimeError):
    """This worker must not run learner code: part of the isolation is missing."""


def refuse_unless_ready(sandbox: Sandbox | None = None) -> Sandbox:
    """The sandbox, or SandboxUnavailable naming what is missing (never an unconfined run)."""
    sandbox = sandbox or default_sandbox()
    missing = checked_missing(sandbox)
    if missing:
        raise SandboxUnavailable("the code sandbox is unavailable: " + "; ".join(missing))
    return sandbox
