# verdict: incorrect
# must not: an array of NaN passes a comparison (NaN != NaN tricks)
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_sigma(z):
    return np.full(np.shape(z), np.nan)
