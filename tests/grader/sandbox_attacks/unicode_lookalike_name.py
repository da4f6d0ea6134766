# verdict: error
# must not: a Cyrillic look-alike function name is graded as d_sigma
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_ѕigma(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - s)
