# verdict: incorrect
# must not: thousands of threads exhaust the worker's pids or memory
# ruff: noqa  (a hostile submission, kept as written)
import threading
import time

import numpy as np


def d_sigma(z):
    started = 0
    for _ in range(5000):
        try:
            threading.Thread(target=time.sleep, args=(100,), daemon=True).start()
            started += 1
        except RuntimeError:
            break
    print("threads", started)
    return np.zeros_like(z)
