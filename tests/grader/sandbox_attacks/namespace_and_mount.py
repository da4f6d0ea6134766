# verdict: incorrect
# must not: unshare, setns or mount give the job new privileges
# ruff: noqa  (a hostile submission, kept as written)
import ctypes

import numpy as np


def d_sigma(z):
    libc = ctypes.CDLL(None, use_errno=True)
    print("unshare user", libc.unshare(0x10000000), ctypes.get_errno())
    print("unshare mount", libc.unshare(0x00020000), ctypes.get_errno())
    print("mount", libc.mount(b"none", b"/tmp", b"tmpfs", 0, None), ctypes.get_errno())
    print("chroot", libc.chroot(b"/usr"), ctypes.get_errno())
    return np.zeros_like(z)
