import numpy as np


def d_sigma(z):
    return 1 / (1 + np.exp(-z))
