# verdict: output_limit
# must not: unbounded stderr fills the worker's memory or blocks it
# ruff: noqa  (a hostile submission, kept as written)
import os


def d_sigma(z):
    block = b"e" * 65536
    while True:
        os.write(2, block)
