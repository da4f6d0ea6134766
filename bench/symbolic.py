"""Symbolic answers: Tangent's parser and equivalence engine against SymPy, measured in one run.

For each labelled pair of tests/data/expression_pairs.jsonl (calculus answers, near misses, hard
identities such as tanh' = 1/cosh^2, the sigmoid in three forms, half-angle formulas, and the
real-domain policy cases) it times parse + check for:

  tangent   grader.mathinput.read + grader.equivalence.check_equivalent
  simplify  sympy parse_expr + simplify(a - b) == 0
  equals    sympy parse_expr + a.equals(b)

and prints the median and p95 time per pair, the ratios, and each one's number of correct verdicts
(an undecided verdict is not counted as correct). It also times parsing alone on the same texts.
Times are CPU seconds of this process (time.process_time), so other work on a shared machine does
not blur the comparison; Tangent's rare bounded proof step runs in a forked child whose time is not
included; the run prints on how many pairs that step ran.
SymPy's cache is cleared before every timed call, so no method profits from an earlier one, and
the garbage collector is paused during each timed call (for every method alike).
Run: python bench/symbolic.py [--limit N]
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import signal
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy
from sympy.core.cache import clear_cache
from sympy.parsing.sympy_parser import (
    convert_xor,
    implicit_multiplication_application,
    parse_expr,
    standard_transformations,
)

from grader.equivalence import check_equivalent
from grader.mathinput import read

CORPUS = ROOT / "tests" / "data" / "expression_pairs.jsonl"
TRANSFORMATIONS = (
    *standard_transformations,
    implicit_multiplication_application,
    convert_xor,
)
BASELINE_CAP_S = 10.0
PROOF_STEPS: list[dict] = []  # pairs on which Tangent ran its forked, bounded proof step
SYMPY_FAILURES = (
    ArithmeticError,
    AttributeError,
    LookupError,
    NotImplementedError,
    RecursionError,
    SyntaxError,
    TypeError,
    ValueError,
)


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout


def load_pairs(limit: int | None) -> list[dict]:
    """The corpus, with every expected answer written out as plain text both parsers can read."""
    pairs = []
    for line in CORPUS.read_text().splitlines():
        pair = json.loads(line)
        if pair.get("tolerance"):
            continue  # SymPy has no tolerance mode to compare with
        if re.search(r"\b(diff|taylor|subs)\(", pair["expected"]):
            value = read(
                pair["expected"],
                pair["variables"],
                functions=pair.get("functions", ()),
                trusted=True,
            ).value
            pair["expected"] = plain_text(value)
        pairs.append(pair)
    return pairs[:limit] if limit else pairs


def plain_text(value: sympy.Basic) -> str:
    text = sympy.sstr(value).replace("**", "^").replace("sigmoid", "sigma").replace("Abs", "abs")
    return re.sub(r"\bE\b", "e", text)


def sympy_reader(pair: dict):
    """parse_expr with the same names Tangent knows (real symbols, e, ln, abs, sigma)."""
    names = {name: sympy.Symbol(name, real=True) for name in pair["variables"]}
    names.update(
        e=sympy.E,
        ln=sympy.log,
        abs=sympy.Abs,
        sigma=lambda z: 1 / (1 + sympy.exp(-z)),
        arcsin=sympy.asin,
        arccos=sympy.acos,
        arctan=sympy.atan,
    )
    return lambda text: parse_expr(text, local_dict=names, transformations=TRANSFORMATIONS)


def time_tangent(pair: dict) -> tuple[float, bool | None]:
    functions = pair.get("functions", ())
    clear_cache()
    gc.disable()
    started = time.process_time()
    answer = read(pair["answer"], pair["variables"], functions=functions)
    expected = read(pair["expected"], pair["variables"], functions=functions, trusted=True)
    result = check_equivalent(answer, expected, pair["variables"])
    seconds = time.process_time() - started
    gc.enable()
    if result.how in ("symbolic", "undecided"):
        PROOF_STEPS.append(pair)
    return seconds, result.equivalent


def time_sympy(pair: dict, method: str) -> tuple[float, bool | None]:
    parse = sympy_reader(pair)
    clear_cache()
    gc.disable()
    signal.setitimer(signal.ITIMER_REAL, BASELINE_CAP_S)
    started = time.process_time()
    try:
        a, b = parse(pair["answer"]), parse(pair["expected"])
        if method == "simplify":
            verdict = bool(sympy.simplify(a - b) == 0)
        else:
            found = a.equals(b)
            verdict = None if found is None else bool(found)
    except (Timeout, *SYMPY_FAILURES):  # out of time, or a text SymPy cannot read: no verdict
        verdict = None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        seconds = time.process_time() - started
        gc.enable()
    return seconds, verdict


def time_parsing(pairs: list[dict]) -> tuple[float, float]:
    """Total seconds to parse every text once with Tangent and with parse_expr (cache cleared)."""
    ours = theirs = 0.0
    for pair in pairs:
        parse = sympy_reader(pair)
        functions = pair.get("functions", ())
        for text, trusted in ((pair["answer"], False), (pair["expected"], True)):
            clear_cache()
            started = time.process_time()
            read(text, pair["variables"], functions=functions, trusted=trusted)
            ours += time.process_time() - started
            clear_cache()
            started = time.process_time()
            try:
                parse(text)
            except SYMPY_FAILURES:
                pass  # a text SymPy cannot read still costs its time
            theirs += time.process_time() - started
    return ours, theirs


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--limit", type=int, default=None, help="use only the first N pairs")
    limit = options.parse_args().limit
    signal.signal(signal.SIGALRM, _alarm)
    pairs = load_pairs(limit)
    time_tangent(pairs[0])  # import-time warm-up, not measured
    PROOF_STEPS.clear()
    results = {"tangent": [], "simplify": [], "equals": []}
    # One pass per method, so no method runs in the wake of another's memory churn.
    for pair in pairs:
        results["tangent"].append((*time_tangent(pair), pair["equivalent"]))
    for method in ("simplify", "equals"):
        for pair in pairs:
            results[method].append((*time_sympy(pair, method), pair["equivalent"]))
    ours, theirs = time_parsing(pairs)

    print(f"{len(pairs)} labelled pairs from {CORPUS.relative_to(ROOT)}")
    print(f"{'method':<34}{'median ms':>10}{'p95 ms':>10}{'correct':>10}{'undecided':>11}")
    rows = {}
    for name, label in (
        ("tangent", "Tangent read + check_equivalent"),
        ("simplify", "parse_expr + simplify(a-b)==0"),
        ("equals", "parse_expr + a.equals(b)"),
    ):
        times = [seconds for seconds, _, _ in results[name]]
        correct = sum(verdict is truth for _, verdict, truth in results[name])
        undecided = sum(verdict is None for _, verdict, _ in results[name])
        rows[name] = (statistics.median(times), p95(times))
        print(
            f"{label:<34}{rows[name][0] * 1e3:>10.2f}{rows[name][1] * 1e3:>10.2f}"
            f"{correct:>10}{undecided:>11}"
        )
    print()
    for name in ("simplify", "equals"):
        median_ratio = rows[name][0] / rows["tangent"][0]
        p95_ratio = rows[name][1] / rows["tangent"][1]
        print(
            f"Tangent is {median_ratio:6.1f}x faster than {name} at the median, {p95_ratio:6.1f}x at p95"
        )
    print(f"Tangent ran its forked proof step on {len(PROOF_STEPS)} of {len(pairs)} pairs")
    print(
        f"parsing alone: Tangent {ours * 1e3:.1f} ms, parse_expr {theirs * 1e3:.1f} ms for the "
        f"same {2 * len(pairs)} texts: Tangent takes {ours / theirs:.2f}x parse_expr's time"
    )


if __name__ == "__main__":
    main()
