"""The two ways to start a job: a child of the worker's warm fork server, or a fresh sandbox."""

from __future__ import annotations

import itertools
import json
import os
import select
import signal
import socket
import subprocess

from grader.sandbox.channel import Conversation, Exit, JobPipes
from grader.sandbox.launcher import Cgroup, Setup, spawn

SERVER_MEMORY_MB = 256  # the server itself (numpy imported) on top of one job's limit
SERVER_PIDS = 64
START_SECONDS = 15.0
_names = itertools.count(1)


class SandboxError(RuntimeError):
    """The sandbox could not be started or stopped responding."""


class ForkServer:
    """A pristine sandboxed interpreter that has imported numpy; one job at a time."""

    def __init__(self, setup: Setup):
        self.setup = setup
        self.proc: subprocess.Popen[bytes] | None = None
        self.control: socket.socket | None = None
        self.cgroup: Cgroup | None = None
        self.landlock_abi = 0
        self.jobs = 0
        self.memory_limit = 0
        self.oom_kills = 0  # the cgroup's count after the last job

    @property
    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def start(self) -> None:
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if Cgroup.available():
            name = f"server-{os.getpid()}-{next(_names)}"
            self.cgroup = Cgroup(name, SERVER_MEMORY_MB * 2**20, SERVER_PIDS)
            self.memory_limit, self.oom_kills = SERVER_MEMORY_MB * 2**20, 0
        self.proc = proc = spawn(
            self.setup,
            ["serve", str(child.fileno())],
            (child.fileno(),),
            self.cgroup,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        child.close()
        self.control = parent
        assert proc.stderr is not None, "spawned with stderr=PIPE"
        watched = [parent.fileno(), proc.stderr.fileno()]
        ready, _, _ = select.select(watched, [], [], START_SECONDS)
        message = parent.recv(4096) if parent.fileno() in ready else b""
        if not message:
            error = (
                os.read(proc.stderr.fileno(), 4096).decode(errors="replace")
                if ready
                else "no answer"
            )
            self.stop()
            raise SandboxError(f"the fork server did not start: {error.strip()}")
        proc.stderr.close()
        self.landlock_abi = json.loads(message).get("landlock", 0)

    def begin(self, seconds: float, memory_mb: int) -> Conversation:
        """Hand a new job's pipes to the server, which forks a child for it."""
        if not self.alive or self.control is None:
            raise SandboxError("the fork server is not running")
        limit = (SERVER_MEMORY_MB + memory_mb) * 2**20
        if self.cgroup is not None and limit != self.memory_limit:
            self.cgroup.set_memory(limit)
            self.memory_limit = limit
        pipes = JobPipes()
        try:
            socket.send_fds(
                self.control, [json.dumps({"seconds": seconds}).encode()], pipes.sandbox_ends()
            )
        except OSError as error:
            pipes.close_sandbox_ends()
            self.stop()
            raise SandboxError(f"the fork server stopped: {error}") from None
        pipes.close_sandbox_ends()
        self.jobs += 1
        return Conversation(pipes, _ServerSupervisor(self), seconds)

    def stop(self) -> None:
        if self.proc is not None:
            _kill_group(self.proc)
            if self.proc.stderr and not self.proc.stderr.closed:
                self.proc.stderr.close()
        if self.control is not None:
            self.control.close()
        if self.cgroup is not None:
            self.cgroup.remove()
        self.proc = self.control = self.cgroup = None


class _ServerSupervisor:
    """The fork server reports the job's exit on the control socket and kills on request."""

    def __init__(self, server: ForkServer):
        assert server.control is not None, "supervises a running server"
        self.server = server
        self.control = server.control

    def fileno(self) -> int:
        return self.control.fileno()

    def read_exit(self) -> Exit | None:
        try:
            message = self.control.recv(4096)
        except OSError:
            message = b""
        if not message:
            self.server.stop()
            return Exit(server_lost=True)
        report = json.loads(message)
        if not report.get("clean", True):
            self.server.stop()  # its /tmp was filled; the next job gets a new server
        oom = False
        if self.server.cgroup is not None:
            kills = self.server.cgroup.oom_kills()
            oom, self.server.oom_kills = kills > self.server.oom_kills, kills
        return Exit(
            code=report.get("exit"),
            timed_out=report.get("timed_out", False),
            killed=report.get("killed", False),
            oom=oom,
        )

    def kill(self) -> None:
        try:
            self.control.send(b"kill")
        except OSError:
            self.force_stop()

    def force_stop(self) -> None:
        self.server.stop()


def begin_fresh(setup: Setup, seconds: float, memory_mb: int) -> Conversation:
    """A new bubblewrap + interpreter + numpy for this job alone (the fallback, and the baseline)."""
    cgroup = None
    if Cgroup.available():
        cgroup = Cgroup(
            f"job-{os.getpid()}-{next(_names)}", (SERVER_MEMORY_MB + memory_mb) * 2**20, SERVER_PIDS
        )
    pipes = JobPipes()
    try:
        proc = spawn(
            setup,
            ["once", str(pipes.job_r), str(pipes.result_w)],
            (pipes.job_r, pipes.result_w),
            cgroup,
            stdin=subprocess.DEVNULL,
            stdout=pipes.out_w,
            stderr=pipes.err_w,
        )
    finally:
        pipes.close_sandbox_ends()
    return Conversation(pipes, _FreshSupervisor(proc, cgroup, seconds), seconds)


class _FreshSupervisor:
    """A fresh sandbox is its own process group: its exit is the job's exit."""

    def __init__(self, proc: subprocess.Popen[bytes], cgroup: Cgroup | None, seconds: float):
        self.proc, self.cgroup = proc, cgroup
        self.pidfd = os.pidfd_open(proc.pid)
        self.exit: Exit | None = None
        self.killed = False

    def fileno(self) -> int:
        return self.pidfd

    def read_exit(self, timed_out: bool = False) -> Exit:
        if self.exit is None:
            code = self.proc.wait()
            if code is not None and code > 128:
                code = 128 - code  # bubblewrap reports a job killed by signal n as 128 + n
            os.close(self.pidfd)
            oom = bool(self.cgroup and self.cgroup.oom_kills() > 0)
            if self.cgroup is not None:
                self.cgroup.remove()
            self.exit = Exit(code=code, timed_out=timed_out, killed=self.killed, oom=oom)
        return self.exit

    def kill(self) -> None:
        self.killed = True
        _kill_group(self.proc, wait=False)

    def force_stop(self) -> None:
        _kill_group(self.proc, wait=False)
        self.read_exit(timed_out=True)


def _kill_group(proc: subprocess.Popen[bytes], wait: bool = True) -> None:
    """SIGKILL bubblewrap's process group; --die-with-parent takes the sandbox down with it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    if wait:
        proc.wait()
