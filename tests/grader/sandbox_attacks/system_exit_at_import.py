# verdict: error
# must not: SystemExit while loading skips the tests and counts as passed
# ruff: noqa  (a hostile submission, kept as written)
import sys

print("score: 100%")
sys.exit(0)


def d_sigma(z):
    return z
