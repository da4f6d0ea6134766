# verdict: memory
# must not: a 16 GB numpy array is allocated
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_sigma(z):
    return np.ones((2**17, 2**14)) * z.sum()
