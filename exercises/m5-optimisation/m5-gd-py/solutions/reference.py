import numpy as np


def gradient_descent(grad, x0, gamma, n_steps):
    path = [np.array(x0, dtype=float)]
    for _ in range(n_steps):
        path.append(path[-1] - gamma * grad(path[-1]))
    return np.array(path)
