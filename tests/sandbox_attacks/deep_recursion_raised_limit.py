# verdict: error
# must not: a raised recursion limit lets C-level recursion overflow the stack of the worker
# ruff: noqa  (a hostile submission, kept as written)
import sys

sys.setrecursionlimit(10**7)


def d_sigma(z):
    nested = []
    for _ in range(100000):
        nested = [nested]
    return repr(nested)
