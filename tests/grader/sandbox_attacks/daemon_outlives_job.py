# verdict: incorrect
# must not: a thread keeps writing into the next learner's output after the job
# ruff: noqa  (a hostile submission, kept as written)
import os
import threading
import time

import numpy as np


def spam():
    for _ in range(200):
        for fd in (1, 2):
            try:
                os.write(fd, b"LEAK-FROM-PREVIOUS-JOB\n")
            except OSError:
                pass
        time.sleep(0.01)


threading.Thread(target=spam, daemon=True).start()


def d_sigma(z):
    return np.zeros_like(z)
