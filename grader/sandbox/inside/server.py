"""The sandbox's entry point, run by bubblewrap: a warm fork server, or one job in a fresh sandbox.

    server.py serve FD   a pristine process that has imported numpy; per job it receives four
                         fds over the control socket FD (job, result, stdout, stderr), forks a child
                         that confines itself and runs the job, enforces the deadline, reports
                         the exit status, and empties the job's /tmp directory
    server.py once J R   fds J (job) and R (result) are open, stdout/stderr are the job's: run one job

The server never reads a job: the child does, so no learner's code or data stays in the server's
memory for later children to find.
"""

from __future__ import annotations

import gc
import io
import json
import os
import select
import shutil
import signal
import socket
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import confine
import numpy
import numpy.linalg  # noqa: F401
import runner

SITE = next(p for p in sys.path if p.endswith("site-packages"))
RUNNER_DIR = os.path.dirname(os.path.abspath(__file__))
JOB_FD, RESULT_FD = 3, 4
MAX_TMP_FILES = 1000
TMP = "/tmp"  # noqa: S108  (the sandbox's own size-capped tmpfs)


def readable_paths(allow_scipy: bool) -> list[str]:
    """What a job may read: the interpreter's library, the runner, and the allowed packages."""
    paths = ["/usr", RUNNER_DIR]
    for name in sorted(os.listdir(SITE)):
        if name.startswith("scipy") and not allow_scipy:
            continue
        paths.append(os.path.join(SITE, name))
    return paths


class Prepared:
    """What every job needs and the server computes once: the seccomp filter and the path rules."""

    def __init__(self) -> None:
        self.program = confine.build_seccomp_filter()
        self.rules = {allow: confine.PathRules(readable_paths(allow)) for allow in (False, True)}


def run_job(jobdir: str, prepared: Prepared) -> None:
    """In a job process whose fds 0-4 are in place: read the job, confine, run, exit."""
    channel = runner.JobChannel(JOB_FD, RESULT_FD)
    sys.stdout = io.TextIOWrapper(
        io.FileIO(1, "w", closefd=False), "utf-8", "replace", write_through=True
    )
    sys.stderr = io.TextIOWrapper(
        io.FileIO(2, "w", closefd=False), "utf-8", "replace", write_through=True
    )
    os.chdir(jobdir)
    os.environ.clear()
    os.environ.update(TMPDIR=jobdir, HOME=jobdir)
    try:
        fd = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
        os.write(fd, b"1000")  # under memory pressure, the job dies, not the server
        os.close(fd)
    except OSError:
        pass
    message = channel.receive()
    if message is None:
        os._exit(0)
    job, blobs = message
    limits = job["limits"]
    started = time.perf_counter()
    try:
        rules = prepared.rules[bool(job.get("allow_scipy"))]
        confine.confine(
            limits["memory_mb"], limits["cpu_seconds"], rules, [jobdir], prepared.program
        )
    except (confine.ConfinementError, OSError) as error:
        channel.send({"confinement": str(error)})
        os._exit(70)
    runner.run(JOB_FD, RESULT_FD, job, blobs, channel, time.perf_counter() - started)
    os._exit(0)


def place_fds(job_fd: int, result_fd: int, out_fd: int, err_fd: int, keep: list[int]) -> None:
    """Put the job's fds at 1-4 (stdin reads /dev/null); close all others but `keep`."""
    pairs = ((out_fd, 1), (err_fd, 2), (job_fd, JOB_FD), (result_fd, RESULT_FD))
    for source, target in pairs:
        os.dup2(source, target + 1000)
    os.dup2(os.open("/dev/null", os.O_RDONLY), 0)
    for _, target in pairs:
        os.dup2(target + 1000, target)
    low = RESULT_FD + 1
    for fd in sorted(keep):
        os.closerange(low, fd)
        low = fd + 1
    os.closerange(low, 4096)


def report_broken_harness() -> None:
    """The runner itself failed (learner code can break it from inside): say so on stderr."""
    try:
        os.write(
            2, b"\nThe test harness stopped: " + traceback.format_exc(limit=-3).encode()[-2000:]
        )
    except BaseException:  # noqa: S110  (nothing is left to report with)
        pass


def start_child(fds: list[int], jobdir: str, prepared: Prepared) -> int:
    """Fork a job process holding only the job's fds, none of the server's."""
    pid = os.fork()
    if pid:
        return pid
    try:
        job_fd, result_fd, out_fd, err_fd = fds
        place_fds(job_fd, result_fd, out_fd, err_fd, keep=kept_fds(prepared))
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        run_job(jobdir, prepared)
    except BaseException:
        report_broken_harness()
    finally:
        os._exit(70)


def kept_fds(prepared: Prepared) -> list[int]:
    """The path-rule fds a job keeps until it has applied Landlock (then it closes them)."""
    return [rule.parent_fd for rules in prepared.rules.values() for rule in rules.readable]


def supervise(control: socket.socket, pid: int, seconds: float) -> dict[str, object]:
    """Wait for the job process; kill it at the deadline or when the worker asks."""
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(pidfd, select.POLLIN)
    poller.register(control, select.POLLIN)
    deadline = time.monotonic() + seconds
    timed_out = killed = False
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        events = dict(poller.poll(remaining * 1000))
        if pidfd in events:
            break
        if control.fileno() in events:
            killed = True  # "kill" from the worker, or the worker went away
            if not control.recv(64):
                os.kill(pid, signal.SIGKILL)
                sys.exit(0)
            break
    if timed_out or killed:
        os.kill(pid, signal.SIGKILL)
    os.close(pidfd)
    _, status, usage = os.wait4(pid, 0)
    return {
        "exit": os.waitstatus_to_exitcode(status),
        "timed_out": timed_out,
        "killed": killed,
        "cpu": usage.ru_utime + usage.ru_stime,
        "maxrss_kb": usage.ru_maxrss,
    }


def empty_tmp(jobdir: str) -> bool:
    """Remove the job's directory; False when /tmp must be thrown away with the whole server."""
    try:
        os.rmdir(jobdir)  # the usual case: the job left nothing
        return True
    except OSError:
        pass
    for root, dirs, _ in os.walk(jobdir):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o700)
    shutil.rmtree(jobdir, ignore_errors=True)
    stats = os.statvfs(TMP)
    used_files = stats.f_files - stats.f_ffree
    return (
        not os.path.exists(jobdir)
        and used_files < MAX_TMP_FILES
        and stats.f_bfree > stats.f_blocks // 2
    )


def serve(control_fd: int) -> None:
    control = socket.socket(fileno=control_fd)
    prepared = Prepared()
    gc.freeze()  # a job's garbage collections then leave the server's objects (and pages) alone
    control.send(json.dumps({"ready": True, "landlock": confine.landlock_abi()}).encode())
    count = 0
    while True:
        message, fds, _, _ = socket.recv_fds(control, 4096, 4)
        if not message:
            return
        if message == b"kill" and not fds:
            continue  # a late "kill" for a job that had already ended
        request = json.loads(message)
        if len(fds) != 4:
            for fd in fds:
                os.close(fd)
            control.send(json.dumps({"error": "expected four fds"}).encode())
            continue
        count += 1
        jobdir = f"{TMP}/job-{count}"
        os.mkdir(jobdir, 0o700)
        pid = start_child(fds, jobdir, prepared)
        for fd in fds:
            os.close(fd)
        report = supervise(control, pid, float(request["seconds"]))
        clean = empty_tmp(jobdir)
        control.send(json.dumps(dict(report, clean=clean)).encode())
        if not clean:
            return


def main() -> None:
    if sys.argv[1] == "serve":
        null = os.open("/dev/null", os.O_WRONLY)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        serve(int(sys.argv[2]))
    else:
        prepared = Prepared()
        place_fds(int(sys.argv[2]), int(sys.argv[3]), 1, 2, keep=kept_fds(prepared))
        jobdir = f"{TMP}/job"
        os.mkdir(jobdir, 0o700)
        run_job(jobdir, prepared)


if __name__ == "__main__":
    main()
