import numpy as np


def next_step(f, J, H):
    try:
        step = -np.linalg.solve(H, J)
    except np.linalg.LinAlgError:
        return -0.5 * J
    if step @ J >= 0 or np.linalg.norm(step) > 2:
        return -0.5 * J
    return step
