# verdict: error
# must not: a raised recursion limit lets C-level recursion overflow the stack of the worker
# ruff: noqa  (a hostile submission, kept as written)
import pickle
import sys

sys.setrecursionlimit(10**7)


def d_sigma(z):
    nested = []
    for _ in range(200000):
        nested = [nested]
    return pickle.dumps(nested)
