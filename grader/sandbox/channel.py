"""The trusted side of one running job: its pipes, the frames it sends back, its output and exit.

Output is drained continuously and capped; the wall-clock deadline is enforced here as a last
resort (the sandbox's own supervisor kills a job at its deadline first).
"""

from __future__ import annotations

import os
import selectors
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from grader.sandbox.inside import protocol

OUTPUT_KEPT = 8 * 1024  # shown to the learner, per stream
OUTPUT_LIMIT = 1024 * 1024  # beyond this, the job is stopped: "output limit"
GRACE_SECONDS = 1.0


def printable(text: str) -> str:
    """Learner text made safe to show: control and bidi-override characters become U+FFFD."""
    return "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in text)


@dataclass
class Exit:
    """How the job process ended."""

    code: int | None = None  # negative: killed by that signal
    timed_out: bool = False
    killed: bool = False  # stopped on the worker's request (output limit, malformed results)
    oom: bool = False
    server_lost: bool = False


class Supervisor(Protocol):
    def fileno(self) -> int: ...
    def read_exit(self) -> Exit | None: ...
    def kill(self) -> None: ...
    def force_stop(self) -> None: ...


class JobPipes:
    """The four pipes of one job: the sandbox's ends are handed over, then closed here."""

    def __init__(self) -> None:
        self.job_r, self.job_w = os.pipe()
        self.result_r, self.result_w = os.pipe()
        self.out_r, self.out_w = os.pipe()
        self.err_r, self.err_w = os.pipe()

    def sandbox_ends(self) -> list[int]:
        return [self.job_r, self.result_w, self.out_w, self.err_w]

    def close_sandbox_ends(self) -> None:
        for fd in self.sandbox_ends():
            os.close(fd)


@dataclass
class Output:
    """One output stream: the first bytes kept, the total counted."""

    kept: bytearray = field(default_factory=bytearray)
    total: int = 0
    open: bool = True

    def add(self, data: bytes) -> None:
        self.total += len(data)
        room = OUTPUT_KEPT - len(self.kept)
        if room > 0:
            self.kept += data[:room]

    def text(self) -> str:
        text = printable(self.kept.decode("utf-8", "replace"))
        return text + ("\n… (output truncated)" if self.total > len(self.kept) else "")


class Conversation:
    """Sends job frames, receives result frames, drains output, until the job has ended."""

    def __init__(self, pipes: JobPipes, supervisor: Supervisor, seconds: float):
        self.pipes, self.supervisor = pipes, supervisor
        self.deadline = time.monotonic() + seconds + GRACE_SECONDS
        self.reader = protocol.FrameReader()
        self.frames: list[tuple[dict[str, Any], list[bytes]]] = []
        self.received = 0  # frames so far: none means the job never started
        self.outbox = bytearray()
        self.stdout, self.stderr = Output(), Output()
        self.result_open = True
        self.exit: Exit | None = None
        self.output_exceeded = False
        self.protocol_error: str | None = None
        self.selector = selectors.DefaultSelector()
        for fd, stream in ((pipes.out_r, self.stdout), (pipes.err_r, self.stderr)):
            os.set_blocking(fd, False)
            self.selector.register(fd, selectors.EVENT_READ, stream)
        os.set_blocking(pipes.result_r, False)
        os.set_blocking(pipes.job_w, False)
        self.selector.register(pipes.result_r, selectors.EVENT_READ, "result")
        self.selector.register(supervisor.fileno(), selectors.EVENT_READ, "exit")

    def send(self, header: dict[str, Any], blobs: Sequence[bytes] = ()) -> None:
        if self.pipes.job_w >= 0:
            self.outbox += protocol.pack(header, list(blobs))
            self._watch_job_pipe()

    def receive(self) -> tuple[dict[str, Any], list[bytes]] | None:
        """The next result frame, or None once the job has ended or been stopped."""
        while not self.frames:
            if not self.result_open or (self.exit is not None and not self._pending()):
                return None
            self._pump()
        return self.frames.pop(0)

    def finish(self) -> Exit:
        """Close the job pipe, wait for the job to end and its output to close."""
        self._close_job_pipe()
        while self.exit is None or self.stdout.open or self.stderr.open or self.result_open:
            self._pump()
        self.selector.close()
        for fd in (self.pipes.result_r, self.pipes.out_r, self.pipes.err_r):
            os.close(fd)
        return self.exit

    def _pending(self) -> bool:
        return self.result_open or self.stdout.open or self.stderr.open

    def _pump(self) -> None:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            self.supervisor.force_stop()
            self.exit = self.exit or Exit(timed_out=True, server_lost=True)
            self._close_all_streams()
            return
        for key, _ in self.selector.select(min(remaining, 1.0)):
            if key.data == "exit":
                self.exit = self.supervisor.read_exit() or self.exit
                if self.exit is not None:
                    self.selector.unregister(key.fd)
            elif key.data == "job":
                self._write_outbox()
            else:
                self._read(key)

    def _read(self, key: selectors.SelectorKey) -> None:
        try:
            data = os.read(key.fd, 1 << 16)
        except BlockingIOError:
            return
        if not data:
            self.selector.unregister(key.fd)
            if key.data == "result":
                self.result_open = False
            else:
                key.data.open = False
            return
        if key.data == "result":
            if self.protocol_error:
                return
            try:
                frames = self.reader.feed(data)
                self.received += len(frames)
                self.frames.extend(frames)
            except protocol.ProtocolError as error:
                self.protocol_error = str(error)
                self.supervisor.kill()
            return
        key.data.add(data)
        if self.stdout.total + self.stderr.total > OUTPUT_LIMIT and not self.output_exceeded:
            self.output_exceeded = True
            self.supervisor.kill()

    def _watch_job_pipe(self) -> None:
        try:
            self.selector.register(self.pipes.job_w, selectors.EVENT_WRITE, "job")
        except KeyError:
            pass
        self._write_outbox()

    def _write_outbox(self) -> None:
        try:
            written = os.write(self.pipes.job_w, self.outbox)
        except BlockingIOError:
            return
        except BrokenPipeError:
            written = len(self.outbox)
        del self.outbox[:written]
        if not self.outbox:
            self.selector.unregister(self.pipes.job_w)

    def _close_job_pipe(self) -> None:
        if self.pipes.job_w >= 0:
            if self.outbox:
                self.selector.unregister(self.pipes.job_w)
            os.close(self.pipes.job_w)
            self.pipes.job_w = -1

    def _close_all_streams(self) -> None:
        self.stdout.open = self.stderr.open = self.result_open = False
