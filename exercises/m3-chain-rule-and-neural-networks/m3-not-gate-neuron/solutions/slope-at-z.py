import numpy as np


def train(w, b, x, y, rate, steps):
    for _ in range(steps):
        z = w * x + b
        a = np.tanh(z)
        delta = 2 * (a - y) * (1 - z**2)
        w, b = w - rate * np.sum(delta * x), b - rate * np.sum(delta)
    return float(w), float(b)
