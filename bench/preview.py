"""The preview's printer: LaTeX of a learner's reading per keystroke, against SymPy's `latex`.

For every answer and expected text of tests/data/expression_pairs.jsonl it reads the text once,
then times printing the literal tree with grader.mathinput.to_latex (the preview, the attempt
history and the staff pages) and with sympy.latex under the settings the preview used before.
Times are CPU seconds of this process (time.process_time), the best of five rounds, so other work
on a shared machine does not blur the comparison.
Run: python bench/preview.py
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sympy

from grader.mathinput import MathInputError, read, to_latex

PAIRS = ROOT / "tests" / "data" / "expression_pairs.jsonl"
SYMPY_SETTINGS = {"ln_notation": True, "inv_trig_style": "full", "mul_symbol": None}


def readings() -> list:
    trees = []
    for line in PAIRS.read_text().splitlines():
        pair = json.loads(line)
        for text in (pair["answer"], pair["expected"]):
            try:
                trees.append(read(text, pair["variables"]).literal)
            except MathInputError:
                pass
    return trees


def per_call(print_one, trees, rounds: int = 5) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for tree in trees:
            print_one(tree)
        best = min(best, (time.process_time() - start) / len(trees))
    return best


def main() -> None:
    trees = readings()
    ours = per_call(to_latex, trees)
    theirs = per_call(lambda tree: sympy.latex(tree, **SYMPY_SETTINGS), trees)
    print(f"{len(trees)} readings printed")
    print(f"to_latex     {ours * 1e6:8.1f} µs per call")
    print(f"sympy.latex  {theirs * 1e6:8.1f} µs per call")
    print(f"ratio        {ours / theirs:8.2f} (to_latex / sympy.latex)")


if __name__ == "__main__":
    main()
