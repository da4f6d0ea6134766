# verdict: incorrect
# must not: a TCP connection reaches Redis, PostgreSQL or any service on 127.0.0.1
# ruff: noqa  (a hostile submission, kept as written)
import socket

import numpy as np


def d_sigma(z):
    for port in (int("@PORT@"), 6379, 5432):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.3) as conn:
                print("connected", port, conn.recv(100))
        except OSError as error:
            print(port, type(error).__name__)
    return np.zeros_like(z)
