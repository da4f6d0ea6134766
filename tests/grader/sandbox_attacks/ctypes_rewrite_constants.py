# verdict: error
# must not: rewriting interpreter constants through ctypes changes the comparison (it breaks only its own process)
# ruff: noqa  (a hostile submission, kept as written)
import ctypes
import sys

import numpy as np


def d_sigma(z):
    # overwrite the cached small int 1 with 0 inside this process
    try:
        ctypes.c_long.from_address(id(1) + 24).value = 0
    except Exception:
        pass
    return np.zeros_like(z)
