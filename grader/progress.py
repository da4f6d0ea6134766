"""How far a grading has got: code grading reports tests done; whoever runs the grading listens.

The grader stays free of Django and Redis: the worker installs a reporter for the grading in
hand (`with reporting(callback): grader.grade(...)`), and nothing is reported without one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from contextvars import ContextVar

Reporter = Callable[[int, int], None]  # (tests done, tests in all)
_reporter: ContextVar[Reporter | None] = ContextVar("grading_progress", default=None)


@contextlib.contextmanager
def reporting(reporter: Reporter) -> Iterator[None]:
    token = _reporter.set(reporter)
    try:
        yield
    finally:
        _reporter.reset(token)


def report(done: int, total: int) -> None:
    """Tell the listener, if any, that `done` of `total` tests have finished."""
    reporter = _reporter.get()
    if reporter is not None:
        reporter(done, total)
