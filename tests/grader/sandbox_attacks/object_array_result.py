# verdict: incorrect
# must not: an object-dtype array carries Python objects across the boundary
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_sigma(z):
    out = np.empty(np.shape(z), dtype=object)
    out[...] = 0.25
    return out
