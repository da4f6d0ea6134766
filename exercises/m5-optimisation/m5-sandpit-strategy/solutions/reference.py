import numpy as np


def next_step(f, J, H):
    # Newton where the floor curves upwards in every direction (H positive definite), at most
    # 1 m at a time; elsewhere a 0.5 m step straight downhill.
    if np.linalg.eigvalsh(H)[0] > 0:
        step = -np.linalg.solve(H, J)
        length = np.linalg.norm(step)
        return step if length <= 1 else step / length
    return -0.5 * J / np.linalg.norm(J)
