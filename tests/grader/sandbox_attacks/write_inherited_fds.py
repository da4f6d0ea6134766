# verdict: error
# must not: bytes written into every open fd forge a result or reach the worker
# ruff: noqa  (a hostile submission, kept as written)
import os


def d_sigma(z):
    for fd in range(3, 64):
        try:
            os.write(fd, b"TNG1" + b"\xff" * 64 + b'{"score": 1}')
        except OSError:
            pass
    return z * 0
