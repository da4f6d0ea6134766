# verdict: timeout
# must not: a job that sleeps (no CPU) is never stopped
# ruff: noqa  (a hostile submission, kept as written)
import time


def d_sigma(z):
    time.sleep(3600)
