import numpy as np


def gradient_descent(grad, x0, gamma, n_steps):
    x = np.array(x0, dtype=float)
    path = []
    for _ in range(n_steps):
        x = x - gamma * grad(x)
        path.append(x)
    return np.array(path)
