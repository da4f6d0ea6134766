# verdict: incorrect
# must not: /proc/<parent>/mem of the fork server or worker is readable
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    for pid in (os.getppid(), 1):
        try:
            with open(f"/proc/{pid}/mem", "rb") as mem:
                print("read", len(mem.read(16)))
        except (OSError, ValueError) as error:
            print(pid, type(error).__name__)
    return np.zeros_like(z)
