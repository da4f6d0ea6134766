# verdict: error
# must not: patched builtins (isinstance, len, float.hex) alter the reported values
# ruff: noqa  (a hostile submission, kept as written)
import builtins

import numpy as np

builtins.isinstance = lambda obj, cls: True
builtins.len = lambda obj: 0
builtins.abs = lambda x: 0


def d_sigma(z):
    return np.zeros_like(z)
