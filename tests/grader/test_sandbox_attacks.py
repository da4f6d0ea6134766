"""Red team: every file in tests/grader/sandbox_attacks/ is a hostile d_sigma submission.

Each file declares its expected verdict (`# verdict:`) and the effect that must not happen
(`# must not:`). For every attack: the verdict is as declared, it earns no credit, no planted
secret appears in its feedback, nothing it tried to create exists, no sandbox process is left,
and the next honest submission is graded correctly within 2 s (asserted with a 3× margin).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import socket
import threading
import time
from pathlib import Path

import pytest

from grader.answers import code
from grader.results import Verdict
from grader.sandbox import default_sandbox
from tests.support.sandbox import CORRECT_D_SIGMA, ROOT, d_sigma_part, require_sandbox

ATTACKS = sorted(Path(__file__).with_name("sandbox_attacks").glob("*.py"))
PWNED = [Path("/tmp/tangent-pwned"), ROOT / "tangent-pwned"]


def header(path: Path, key: str) -> str:
    for line in path.read_text().splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(f"{path.name} declares no `{key}`")


class Listener:
    """A TCP and a UDP service on 127.0.0.1 that hand out a secret and count who reached them."""

    def __init__(self, secret: str):
        self.secret = secret.encode()
        self.contacts = 0
        self.tcp = socket.create_server(("127.0.0.1", 0))
        self.port = self.tcp.getsockname()[1]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", self.port))
        self.tcp.settimeout(0.2)
        self.udp.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self) -> None:
        while self.running:
            for accept in (self.tcp.accept, lambda: self.udp.recvfrom(100)):
                try:
                    peer = accept()
                except OSError:
                    continue
                self.contacts += 1
                if isinstance(peer[0], socket.socket):
                    peer[0].sendall(self.secret)
                    peer[0].close()

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.tcp.close()
        self.udp.close()


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    """Canary secrets where an escaped job would find them: env, host files, a local service."""
    require_sandbox()
    found = {
        name: f"CANARY-{name}-{secrets.token_hex(8)}" for name in ("env", "file", "project", "port")
    }
    canary_dir = tmp_path_factory.mktemp("canary")
    (canary_dir / "secret.txt").write_text(found["file"])
    (canary_dir / "submissions").mkdir()
    (canary_dir / "submissions" / "42.py").write_text(f"# {found['file']}\n")
    var = ROOT / "var"
    var.mkdir(exist_ok=True)
    project_files = [var / "canary_settings.py", var / "canary.sqlite3"]
    for path in project_files:
        path.write_text(f"SECRET_KEY = '{found['project']}'\n")
    saved = {key: os.environ.get(key) for key in ("TANGENT_CANARY", "DJANGO_SECRET_KEY")}
    os.environ["TANGENT_CANARY"] = os.environ["DJANGO_SECRET_KEY"] = found["env"]
    listener = Listener(found["port"])
    yield {"secrets": found, "dir": canary_dir, "listener": listener}
    listener.close()
    for path in project_files:
        path.unlink(missing_ok=True)  # (another test process may share the checkout)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def sandbox_uid() -> int:
    try:
        return pwd.getpwnam(os.environ.get("TANGENT_SANDBOX_USER", "tangent-sandbox")).pw_uid
    except KeyError:
        return os.getuid()


def sandbox_processes() -> set[int]:
    """Live processes of the sandbox user (the fork server's, between jobs); exiting ones aside."""
    uid = sandbox_uid()
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                if entry.stat().st_uid == uid and uid != 0 and state not in "ZX":
                    found.add(int(entry.name))
            except OSError:
                pass
    return found


def parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def owner(pid: int, uid: int) -> int:
    """The nearest ancestor of `pid` not run by `uid`: who started the job, or the reaper that
    adopted it (1, or a subreaper above us) when it outlived its parent."""
    while pid > 1 and Path(f"/proc/{pid}").stat().st_uid == uid:
        pid = parent(pid)
    return pid


def ancestors(pid: int) -> set[int]:
    found = set()
    while pid > 1:
        pid = parent(pid)
        found.add(pid)
    return found


def left_behind(pids: set[int]) -> set[int]:
    """Of these sandbox processes, the ones this process left: its own jobs' and orphans.
    Jobs of other processes (another test worker's, another test run's) are theirs to count."""
    uid = sandbox_uid()
    ours = process_tree(os.getpid()) | ancestors(os.getpid()) | {0, 1}
    found = set()
    for pid in pids:
        try:
            if owner(pid, uid) in ours:
                found.add(pid)
        except OSError:
            pass  # it exited
    return found


def process_tree(pid: int) -> set[int]:
    """`pid` and its descendants."""
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(child) for child in task.read_text().split()]
            except OSError:
                pass
    return found


def source_of(path: Path, planted: dict) -> str:
    return (
        path.read_text()
        .replace("@PROJECT@", str(ROOT))
        .replace("@CANARY_DIR@", str(planted["dir"]))
        .replace("@PORT@", str(planted["listener"].port))
    )


def test_there_are_at_least_forty_attacks_each_declaring_verdict_and_effect():
    assert len(ATTACKS) >= 40
    for path in ATTACKS:
        Verdict(header(path, "verdict"))
        assert header(path, "must not")


def test_honest_submission_is_correct_before_the_attacks(planted):
    result = code.grade(d_sigma_part(), {}, {"code": CORRECT_D_SIGMA})
    assert result.verdict == Verdict.CORRECT


@pytest.mark.parametrize("attack", ATTACKS, ids=[path.stem for path in ATTACKS])
def test_attack_is_contained(attack, planted):
    part = d_sigma_part(seconds=2)
    before_files = sorted(p.name for p in planted["dir"].rglob("*"))
    before_processes = sandbox_processes()
    result = code.grade(part, {}, {"code": source_of(attack, planted)})
    effect = header(attack, "must not")

    assert result.verdict == Verdict(header(attack, "verdict")), (effect, result.feedback[:3])
    assert result.score == 0, f"credit for an attack whose effect must not be: {effect}"
    shown = json.dumps([item.as_dict() for item in result.feedback], default=str)
    for name, secret in planted["secrets"].items():
        assert secret not in shown, f"the {name} canary leaked ({effect})"
    texts = [item.text for item in result.feedback] + [str(item.data) for item in result.feedback]
    assert not [c for t in texts for c in t if not (c.isprintable() or c in "\n\t")], effect
    assert planted["listener"].contacts == 0, f"a local service was reached ({effect})"
    assert not [p for p in PWNED if p.exists()], (
        f"a file was created outside the sandbox ({effect})"
    )
    assert sorted(p.name for p in planted["dir"].rglob("*")) == before_files
    assert (planted["dir"] / "secret.txt").read_text() == planted["secrets"]["file"]

    started = time.monotonic()
    honest = code.grade(part, {}, {"code": CORRECT_D_SIGMA})
    assert honest.verdict == Verdict.CORRECT, (effect, honest.feedback[:3])
    assert time.monotonic() - started < 6.0
    assert "LEAK-FROM-PREVIOUS-JOB" not in json.dumps([i.as_dict() for i in honest.feedback])
    now = sandbox_processes()
    server_tree = process_tree(default_sandbox().server.proc.pid) & now
    assert len(server_tree) <= 3, (
        f"processes were left in the sandbox ({effect})"
    )  # bwrap ×2 + server
    assert not left_behind(now - before_processes - server_tree), (
        f"processes were left behind ({effect})"
    )


def test_honest_submission_is_correct_after_the_attacks(planted):
    result = code.grade(d_sigma_part(), {}, {"code": CORRECT_D_SIGMA})
    assert result.verdict == Verdict.CORRECT
    assert result.score == 1
