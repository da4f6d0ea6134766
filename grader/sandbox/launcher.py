"""How the trusted worker starts a sandbox: bubblewrap as the unprivileged sandbox user, with an
empty environment, the runner's files passed as data, and (where allowed) a cgroup for its limits."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

INSIDE = Path(__file__).with_name("inside")
RUNNER_FILES = (
    "server.py",
    "runner.py",
    "confine.py",
    "protocol.py",
    "descriptors.py",
    "static_check.py",
)
CGROUP_ROOT = Path("/sys/fs/cgroup")
TMP_BYTES = 16 * 2**20
TMP = "/tmp"  # noqa: S108  (inside the sandbox: a fresh size-capped tmpfs)
ENVIRONMENT = {
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYTHONDONTWRITEBYTECODE": "1",
    "LANG": "C.UTF-8",
    "HOME": TMP,
}


@dataclass(frozen=True)
class Setup:
    """Where the sandbox's pieces are; read from the environment with defaults from setup.sh."""

    bwrap: str = "/usr/bin/bwrap"
    venv: str = os.environ.get("TANGENT_SANDBOX_VENV", "/opt/tangent-sandbox/venv")
    user: str = os.environ.get("TANGENT_SANDBOX_USER", "tangent-sandbox")

    @property
    def python(self) -> str:
        return f"{self.venv}/bin/python"

    def missing(self) -> list[str]:
        """The pieces that are not there (each one blocks grading)."""
        missing = []
        if not shutil.which(self.bwrap):
            missing.append("bubblewrap")
        if not os.access(self.python, os.X_OK):
            missing.append(f"sandbox virtualenv ({self.venv})")
        if os.geteuid() == 0:
            try:
                pwd.getpwnam(self.user)
            except KeyError:
                missing.append(f"sandbox user ({self.user})")
        return missing


def bwrap_command(setup: Setup, runner_fds: dict[str, int], args: list[str]) -> list[str]:
    """The bubblewrap command line: new namespaces, read-only /usr and virtualenv, nothing else."""
    command = [
        setup.bwrap,
        "--unshare-all",
        "--unshare-user",
        "--disable-userns",
        "--die-with-parent",
        "--new-session",
        "--cap-drop",
        "ALL",
        "--ro-bind",
        "/usr",
        "/usr",
        "--symlink",
        "usr/lib",
        "/lib",
        "--symlink",
        "usr/lib64",
        "/lib64",
        "--symlink",
        "usr/bin",
        "/bin",
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        "--size",
        str(TMP_BYTES),
        "--tmpfs",
        TMP,
        "--ro-bind",
        setup.venv,
        setup.venv,
        "--dir",
        "/runner",
    ]
    for name, fd in runner_fds.items():
        command += ["--ro-bind-data", str(fd), f"/runner/{name}"]
    for key, value in ENVIRONMENT.items():
        command += ["--setenv", key, value]
    command += ["--chdir", TMP, setup.python, "-I", "-B", "/runner/server.py", *args]
    return command


def runner_files() -> dict[str, int]:
    """Each runner file as a fresh in-memory fd (bubblewrap reads and closes them)."""
    fds = {}
    for name in RUNNER_FILES:
        fd = os.memfd_create(name, 0)
        os.write(fd, (INSIDE / name).read_bytes())
        os.lseek(fd, 0, os.SEEK_SET)
        fds[name] = fd
    return fds


class Cgroup:
    """A cgroup v1 pair (memory, pids) for one sandbox, when the worker may create one."""

    def __init__(self, name: str, memory_bytes: int, pids: int):
        self.paths = [CGROUP_ROOT / c / "tangent-sandbox" / name for c in ("memory", "pids")]
        for path in self.paths:
            path.mkdir(parents=True, exist_ok=True)
        self.set_memory(memory_bytes)
        (self.paths[1] / "pids.max").write_text(str(pids))

    @staticmethod
    def available() -> bool:
        root = CGROUP_ROOT / "memory"
        return (
            os.geteuid() == 0
            and (root / "memory.limit_in_bytes").exists()
            and (CGROUP_ROOT / "pids" / "cgroup.procs").exists()
            and os.access(root, os.W_OK)
        )

    def set_memory(self, memory_bytes: int) -> None:
        (self.paths[0] / "memory.limit_in_bytes").write_text(str(memory_bytes))

    def join_prefix(self) -> list[str]:
        """A shell prefix that moves itself into the cgroup before exec'ing the rest."""
        script = " && ".join(f"echo $$ > {path}/cgroup.procs" for path in self.paths)
        return ["/bin/sh", "-c", f'{script} && exec "$@"', "sh"]

    def oom_kills(self) -> int:
        for line in (self.paths[0] / "memory.oom_control").read_text().splitlines():
            if line.startswith("oom_kill "):
                return int(line.split()[1])
        return 0

    def remove(self) -> None:
        """Remove this cgroup, and any earlier one whose processes have all gone. Other sandboxes
        sweep at the same time (every worker process has one): a group one of them removed while
        this sweep read it is passed over, as is one still emptying (a later sweep removes it)."""
        for path in self.paths:
            for group in [path, *path.parent.iterdir()]:
                with contextlib.suppress(OSError):
                    if group.is_dir() and not (group / "cgroup.procs").read_text().strip():
                        group.rmdir()


def spawn(
    setup: Setup, args: list[str], pass_fds: tuple[int, ...], cgroup: Cgroup | None, **popen: Any
) -> subprocess.Popen[bytes]:
    """Start bubblewrap with an empty environment, as the sandbox user when we are root."""
    files = runner_files()
    command = bwrap_command(setup, files, args)
    if os.geteuid() == 0:
        entry = pwd.getpwnam(setup.user)
        command = [
            "/usr/bin/setpriv",
            f"--reuid={entry.pw_uid}",
            f"--regid={entry.pw_gid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--",
            *command,
        ]
    if cgroup is not None:
        command = cgroup.join_prefix() + command
    try:
        return subprocess.Popen(
            command,
            env={},
            close_fds=True,
            pass_fds=(*pass_fds, *files.values()),
            start_new_session=True,
            **popen,
        )
    finally:
        for fd in files.values():
            os.close(fd)
