# verdict: incorrect
# must not: a UDP datagram or DNS query leaves the sandbox
# ruff: noqa  (a hostile submission, kept as written)
import socket

import numpy as np


def d_sigma(z):
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(
            b"leak", ("127.0.0.1", int("@PORT@"))
        )
    except OSError as error:
        print("udp", type(error).__name__)
    try:
        print(socket.getaddrinfo("example.com", 80))
    except OSError as error:
        print("dns", type(error).__name__)
    return np.zeros_like(z)
