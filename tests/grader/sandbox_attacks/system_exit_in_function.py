# verdict: error
# must not: SystemExit ends the run with the harness reporting success
# ruff: noqa  (a hostile submission, kept as written)
import sys


def d_sigma(z):
    print("All tests passed. Score: 1.0")
    sys.exit(0)
