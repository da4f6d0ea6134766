# verdict: incorrect
# must not: gc.get_objects() finds the expected values in the process
# ruff: noqa  (a hostile submission, kept as written)
import gc

import numpy as np


def d_sigma(z):
    candidates = [
        o
        for o in gc.get_objects()
        if isinstance(o, np.ndarray)
        and o.shape == np.shape(z)
        and o is not z
        and not np.array_equal(o, z)
    ]
    print(f"found {len(candidates)} candidate arrays")
    return candidates[-1].copy() if candidates else np.zeros_like(z)
