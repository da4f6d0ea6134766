# verdict: incorrect
# must not: ptrace attaches to the fork server or another process
# ruff: noqa  (a hostile submission, kept as written)
import ctypes
import os

import numpy as np


def d_sigma(z):
    libc = ctypes.CDLL(None, use_errno=True)
    for pid in (os.getppid(), 1):
        print(pid, libc.ptrace(16, pid, 0, 0), ctypes.get_errno())  # PTRACE_ATTACH
    print("traceme", libc.ptrace(0, 0, 0, 0))
    return np.zeros_like(z)
