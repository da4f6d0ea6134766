# verdict: incorrect
# must not: the job fills a disk (host or the server's /tmp for later jobs)
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    written = 0
    try:
        for i in range(1000):
            with open(f"fill-{i}", "wb") as handle:
                for _ in range(64):
                    handle.write(b"\0" * 1024 * 1024)
                    written += 1
    except OSError as error:
        print("stopped after", written, "MiB:", type(error).__name__)
    return np.zeros_like(z)
