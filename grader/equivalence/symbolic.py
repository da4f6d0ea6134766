"""The symbolic side of equivalence: a structural fast path and a time-bounded confirmation.

SymPy's simplification can run for minutes on some inputs and cannot be interrupted from another
thread, so the confirmation runs in a forked child that is killed when its time is up.
"""

from __future__ import annotations

import os
import select
import signal
from collections.abc import Callable
from typing import Any

import sympy

from grader.mathinput.limits import evaluate_tree

# Functions whose argument restricts the real domain (besides non-integer powers).
_RESTRICTING = (
    sympy.log,
    sympy.asin,
    sympy.acos,
    sympy.asec,
    sympy.acsc,
    sympy.acosh,
    sympy.atanh,
)


def domain_conditions(expr: sympy.Basic) -> frozenset[tuple[str, sympy.Basic]]:
    """The evaluated arguments that restrict expr's real domain: log args, bases of roots, ...

    Evaluation can drop them (sqrt(x)^2 becomes x), so the fast path compares them too.
    """
    found = set()
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, _RESTRICTING):
            found.add((node.func.__name__, node.args[0]))
        elif node.is_Pow and not node.exp.is_Integer:
            found.add(("pow", node.base))
    return frozenset((name, evaluate_tree(arg)) for name, arg in found)


def identical(
    answer_literal: sympy.Basic,
    answer_value: sympy.Basic,
    expected_literal: sympy.Basic,
    expected_value: sympy.Basic,
) -> bool:
    """True when both evaluate to the same tree and restrict their domains in the same way."""
    if answer_value != expected_value:
        return False
    return domain_conditions(answer_literal) == domain_conditions(expected_literal)


def confirm(answer: sympy.Basic, expected: sympy.Basic, seconds: float) -> bool | None:
    """True if SymPy proves answer - expected == 0 within `seconds`; None if it cannot (or no time)."""
    return True if run_bounded(_proves_zero, answer - expected, seconds=seconds) else None


def _proves_zero(difference: sympy.Basic) -> bool:
    if sympy.simplify(difference) == 0:
        return True
    return bool(sympy.expand(sympy.simplify(difference.rewrite(sympy.exp))) == 0)


def run_bounded(predicate: Callable[..., bool], *args: Any, seconds: float) -> bool | None:
    """predicate(*args) computed in a forked child killed after `seconds`; None when it ran out.

    Only one byte comes back from the child (no pickle), and the parent never waits longer.
    """
    if seconds < 0.02 or not hasattr(os, "fork"):
        return None
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, answer with one byte, leave without cleanup
        try:
            os.close(reader)
            os.write(writer, b"1" if predicate(*args) else b"0")
        finally:
            os._exit(0)
    os.close(writer)
    byte = b""
    try:
        ready, _, _ = select.select([reader], [], [], seconds)
        byte = os.read(reader, 1) if ready else b""
    finally:
        os.close(reader)
        if not byte:
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    return {b"1": True, b"0": False}.get(byte)
