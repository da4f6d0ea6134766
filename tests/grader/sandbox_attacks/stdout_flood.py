# verdict: output_limit
# must not: unbounded stdout fills the worker's memory or blocks it
# ruff: noqa  (a hostile submission, kept as written)
import sys


def d_sigma(z):
    line = "x" * 1023 + "\n"
    while True:
        sys.stdout.write(line)
