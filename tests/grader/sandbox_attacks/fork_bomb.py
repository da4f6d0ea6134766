# verdict: incorrect
# must not: processes multiply (and outlive the job)
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    children = 0
    for _ in range(1000):
        try:
            if os.fork() == 0:
                while True:
                    pass
            children += 1
        except OSError:
            break
    print("children", children)
    return np.zeros_like(z)
