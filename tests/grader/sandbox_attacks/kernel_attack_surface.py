# verdict: incorrect
# must not: io_uring, bpf, keyctl, userfaultfd or perf_event_open are reachable
# ruff: noqa  (a hostile submission, kept as written)
import ctypes

import numpy as np


def d_sigma(z):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    buffer = ctypes.create_string_buffer(256)
    for name, number, args in (
        ("io_uring_setup", 425, (8, buffer)),
        ("bpf", 321, (0, buffer, 64)),
        ("keyctl", 250, (0, 0)),
        ("userfaultfd", 323, (0,)),
        ("perf_event_open", 298, (buffer, 0, -1, -1, 0)),
        ("process_vm_readv", 310, (1, buffer, 1, buffer, 1, 0)),
    ):
        result = libc.syscall(number, *args)
        print(name, result, ctypes.get_errno())
        if result >= 0:
            raise SystemExit(f"{name} was allowed")
    return np.zeros_like(z)
