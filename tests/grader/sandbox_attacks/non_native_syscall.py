# verdict: error
# must not: an x32 or i386 system call slips past the seccomp filter
# ruff: noqa  (a hostile submission, kept as written)
import ctypes


def d_sigma(z):
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall(0x40000000 | 57)  # x32 fork: the filter kills the process
    return z
