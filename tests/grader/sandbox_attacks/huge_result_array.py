# verdict: incorrect
# must not: a 10 GB (broadcast) result is copied into the worker
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_sigma(z):
    return np.broadcast_to(np.float64(0.25), (10**10 // 8,))
