# verdict: incorrect
# must not: a flood of empty files or directories stays behind for later jobs
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    made = 0
    try:
        for i in range(3000):
            os.mkdir(f"d{i}")
            os.chmod(f"d{i}", 0)
            made += 1
    except OSError as error:
        print("stopped after", made, type(error).__name__)
    return np.zeros_like(z)
