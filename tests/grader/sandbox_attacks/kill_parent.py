# verdict: incorrect
# must not: signals kill the fork server, bubblewrap or the worker
# ruff: noqa  (a hostile submission, kept as written)
import os
import signal

import numpy as np


def d_sigma(z):
    for action in (
        lambda: os.kill(os.getppid(), signal.SIGKILL),
        lambda: os.kill(1, signal.SIGKILL),
        lambda: os.kill(-1, signal.SIGKILL),
        lambda: os.killpg(0, signal.SIGTERM),
    ):
        try:
            action()
        except (OSError, ValueError) as error:
            print(type(error).__name__)
    return np.zeros_like(z)
