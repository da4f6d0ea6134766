import numpy as np


def taylor_poly(derivs, x0, x):
    total = np.zeros_like(x, dtype=float)
    for k, d in enumerate(derivs):
        total = total + d * (x - x0) ** k
    return total
