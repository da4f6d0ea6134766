"""Runs one job inside a confined process: compile, static check, load, call, report frames.

A job is one frame on the job fd: {"function", "code", "forbidden", "tests": [{"args", "kwargs",
"return_args"}], "sessions": bool, "limits"}. Each test produces one result frame on the result
fd; sessions then read {"op": "start"} / {"op": "call", "args"} / {"op": "end"} frames one by one.
The runner never sees expected values; it only turns inputs into outputs.
"""

from __future__ import annotations

import ast
import builtins
import linecache
import os
import sys
import traceback
from collections.abc import Sequence
from typing import Any

import descriptors
import protocol
from static_check import find_forbidden

FILENAME = "submission.py"
_write = os.write
_read = os.read


class JobChannel:
    """The job fd (frames in) and the result fd (frames out)."""

    def __init__(self, job_fd: int, result_fd: int):
        self.job_fd, self.result_fd = job_fd, result_fd
        self.reader = protocol.FrameReader()
        self.pending: list[tuple[dict[str, Any], list[bytes]]] = []
        self.outgoing = bytearray()

    def receive(self) -> tuple[dict[str, Any], list[bytes]] | None:
        while not self.pending:
            data = _read(self.job_fd, 1 << 16)
            if not data:
                return None
            self.pending.extend(self.reader.feed(data))
        return self.pending.pop(0)

    def send(self, header: dict[str, Any], blobs: Sequence[bytes] = (), flush: bool = True) -> None:
        """Queue a frame; write the queue unless more frames follow at once."""
        self.outgoing += protocol.pack(header, list(blobs))
        if flush:
            data, self.outgoing = bytes(self.outgoing), bytearray()
            while data:
                data = data[_write(self.result_fd, data) :]


def describe_exception(error: BaseException) -> dict[str, Any]:
    """Name, message and a traceback trimmed to the learner's own lines."""
    kind = type(error)
    names = [cls.__name__ for cls in kind.__mro__ if cls.__module__ == "builtins"]
    try:
        message = str(error)[: protocol.MAX_TEXT]
    except BaseException:
        message = ""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if f.filename == FILENAME]
    lines = ["Traceback (your code):\n", *traceback.format_list(frames)]
    lines.append(f"{kind.__name__}: {message}\n" if message else f"{kind.__name__}\n")
    return {
        "name": kind.__name__[:100],
        "builtin": names[:10],
        "message": message,
        "traceback": "".join(lines)[: protocol.MAX_TEXT],
    }


def load_submission(channel: JobChannel, job: dict[str, Any]) -> Any:
    """Compile and execute the learner's module; report syntax errors and forbidden names."""
    code = job["code"]
    try:
        compiled = compile(code, FILENAME, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None)
        column = getattr(error, "offset", None)
        channel.send(
            {
                "syntax": {
                    "message": str(getattr(error, "msg", error))[:500],
                    "line": line,
                    "column": column,
                }
            }
        )
        return None
    except (RecursionError, MemoryError) as error:
        channel.send(
            {
                "syntax": {
                    "message": f"the code is too deeply nested ({type(error).__name__})",
                    "line": None,
                    "column": None,
                }
            }
        )
        return None
    if job.get("forbidden"):
        channel.send({"static": find_forbidden(ast.parse(code), job["forbidden"])}, flush=False)
    linecache.cache[FILENAME] = (len(code), None, code.splitlines(True), FILENAME)
    return compiled


def execute_module(channel: JobChannel, compiled: Any, name: str) -> Any:
    """The learner's function from a fresh module namespace, or None after reporting why not."""
    namespace = {"__name__": "submission", "__builtins__": builtins}
    try:
        exec(compiled, namespace)  # noqa: S102  (the learner's code, in the confined process)
    except BaseException as error:  # SystemExit and KeyboardInterrupt are the learner's too
        channel.send({"load": describe_exception(error)})
        return None
    function = namespace.get(name)
    if not callable(function):
        channel.send({"missing": name})
        return None
    return function


def call(
    function: Any, args_tree: list[Any], kwargs_tree: dict[str, Any], blobs: list[bytes]
) -> tuple[dict[str, Any], list[bytes], list[Any]]:
    """Call the learner's function on fresh copies of the inputs; returns (header, blobs, args)."""
    args = [protocol.decode(item, blobs, descriptors.make_function) for item in args_tree]
    kwargs = {
        k: protocol.decode(v, blobs, descriptors.make_function) for k, v in kwargs_tree.items()
    }
    out: list[bytes] = []
    try:
        value = function(*args, **kwargs)
    except MemoryError:
        return {"memory": True}, out, args
    except BaseException as error:
        return {"raised": describe_exception(error)}, out, args
    try:
        return {"value": protocol.encode(value, out)}, out, args
    except MemoryError:
        return {"memory": True}, [], args
    except protocol.Unsupported as error:
        return {"unsupported": str(error)}, [], args


def encode_array_arg(arg: Any, out: list[bytes]) -> dict[str, Any]:
    """An array argument as it is after the call (to detect in-place changes); others as None."""
    try:
        return protocol.encode(arg, out) if isinstance(arg, protocol.np.ndarray) else {"t": "none"}
    except (protocol.Unsupported, MemoryError):
        return {"t": "none"}


def run_tests(channel: JobChannel, function: Any, job: dict[str, Any], blobs: list[bytes]) -> None:
    for index, test in enumerate(job["tests"]):
        header, out, args = call(function, test["args"], test.get("kwargs", {}), blobs)
        if test.get("return_args") and "memory" not in header:
            header["args"] = [encode_array_arg(arg, out) for arg in args]
        if "memory" in header:
            channel.send(dict(header, i=index), out)
            return  # the verdict is "memory" whatever the other tests do
        channel.send(dict(header, i=index), out, flush=len(channel.outgoing) > 1 << 20)


def run_sessions(channel: JobChannel, compiled: Any, name: str) -> None:
    """Step-driven sessions: a fresh module per session, one frame per call."""
    function = None
    while True:
        message = channel.receive()
        if message is None or message[0].get("op") == "end":
            return
        header, blobs = message
        if header.get("op") == "start":
            function = execute_module(channel, compiled, name)
            if function is not None:
                channel.send({"started": True})
        elif header.get("op") == "call" and function is not None:
            result, out, _ = call(function, header["args"], {}, blobs)
            channel.send(dict(result, call=True), out)


def run(
    job_fd: int,
    result_fd: int,
    job: dict[str, Any],
    blobs: list[bytes],
    channel: JobChannel | None = None,
    confine_seconds: float = 0.0,
) -> None:
    """Everything a confined job process does after confinement (whose cost is reported)."""
    channel = channel or JobChannel(job_fd, result_fd)
    sys.setrecursionlimit(1000)
    compiled = load_submission(channel, job)
    if compiled is None:
        return
    if job["tests"]:
        function = execute_module(channel, compiled, job["function"])
        if function is None:
            return
        run_tests(channel, function, job, blobs)
    channel.send({"done": True, "confine_seconds": confine_seconds})
    if job.get("sessions"):
        run_sessions(channel, compiled, job["function"])
