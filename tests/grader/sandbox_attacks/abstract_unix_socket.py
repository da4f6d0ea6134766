# verdict: incorrect
# must not: an abstract or filesystem unix socket reaches another process
# ruff: noqa  (a hostile submission, kept as written)
import socket

import numpy as np


def d_sigma(z):
    for address in ("\0tangent-worker", "/tmp/.X11-unix/X0", "/run/postgresql/.s.PGSQL.5432"):
        try:
            socket.socket(socket.AF_UNIX).connect(address)
            print("connected", address)
        except OSError as error:
            print(repr(address), type(error).__name__)
    return np.zeros_like(z)
