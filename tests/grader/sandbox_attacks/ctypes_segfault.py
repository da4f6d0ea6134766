# verdict: error
# must not: a segfault in learner code crashes the worker or counts as passed
# ruff: noqa  (a hostile submission, kept as written)
import ctypes


def d_sigma(z):
    ctypes.string_at(0)
