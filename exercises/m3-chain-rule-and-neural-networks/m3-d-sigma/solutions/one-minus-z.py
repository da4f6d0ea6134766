import numpy as np


def d_sigma(z):
    s = 1 / (1 + np.exp(-z))
    return s * (1 - z)
