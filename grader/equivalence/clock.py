"""The clock the engine's time budgets run on, and the rule that keeps it about the answer.

A budget bounds the work one check does on one answer, so that a verdict depends only on the
exercise and the answer. It counts this thread's CPU time: wall time would let a busy machine
turn a decidable answer into "undecided". And no garbage collection starts while a budgeted step
runs (`budgeted`): a full collection walks the whole process's heap, hundreds of milliseconds in
a large process, which would be counted against whichever answer happened to be checked. The
collector runs again once the step ends (a step's own garbage is mostly freed by reference
counting as it goes).
"""

from __future__ import annotations

import functools
import gc
import threading
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_running = 0  # budgeted steps running now, in any thread
_collector_was_on = False


def cpu_seconds() -> float:
    """This thread's CPU time in seconds (only differences mean anything)."""
    return time.thread_time()


def budgeted(step: Callable[P, R]) -> Callable[P, R]:
    """`step` runs with the garbage collector paused (steps may nest and run in several
    threads: the collector resumes, if it was on, when the last one ends)."""

    @functools.wraps(step)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        global _running, _collector_was_on
        with _lock:
            if _running == 0:
                _collector_was_on = gc.isenabled()
                gc.disable()
            _running += 1
        try:
            return step(*args, **kwargs)
        finally:
            with _lock:
                _running -= 1
                if _running == 0 and _collector_was_on:
                    gc.enable()

    return paused
