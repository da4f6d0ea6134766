# verdict: incorrect
# must not: walking sys._getframe() up to the harness reveals expected values
# ruff: noqa  (a hostile submission, kept as written)
import sys

import numpy as np


def d_sigma(z):
    frame = sys._getframe(1)
    seen = []
    while frame is not None:
        seen.extend(name for name in frame.f_locals if "expect" in name.lower())
        for name in ("expected", "answer", "reference"):
            if name in frame.f_locals:
                return frame.f_locals[name]
        frame = frame.f_back
    print("frame locals mentioning expected:", seen)
    return np.zeros_like(z)
