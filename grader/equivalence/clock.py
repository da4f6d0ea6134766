"""The clock the engine's time budgets run on: this thread's CPU time, less what the garbage
collector spent in it.

A budget bounds the work one check does on one answer. Wall time would let a busy machine turn
a decidable answer into "undecided"; CPU time alone still counts a collection that happens to
start during the check, and a full collection walks the whole process's heap (hundreds of
milliseconds in a large process). Neither depends on the answer, so neither is counted: a
verdict depends only on the exercise and the answer.
"""

from __future__ import annotations

import gc
import threading
import time
from typing import Any


class _Collections(threading.local):
    """Per thread (the collector runs in the thread whose allocation set it off)."""

    started: float | None = None
    seconds: float = 0.0


_collections = _Collections()


def _on_collection(phase: str, info: dict[str, Any]) -> None:
    if phase == "start":
        _collections.started = time.thread_time()
    elif _collections.started is not None:
        _collections.seconds += time.thread_time() - _collections.started
        _collections.started = None


gc.callbacks.append(_on_collection)


def cpu_seconds() -> float:
    """This thread's CPU time in seconds, garbage collection left out (only differences mean
    anything)."""
    return time.thread_time() - _collections.seconds
