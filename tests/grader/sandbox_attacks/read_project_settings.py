# verdict: incorrect
# must not: the project's settings, .env or database file reach the learner
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


def d_sigma(z):
    for path in (
        "@PROJECT@/var/canary_settings.py",
        "@PROJECT@/var/canary.sqlite3",
        "@PROJECT@/.env",
        "@PROJECT@/exercises/m3-chain-rule-and-neural-networks/m3-d-sigma/tests.py",
    ):
        try:
            print(path, open(path, "rb").read()[:300])
        except OSError as error:
            print(path, type(error).__name__)
    return np.zeros_like(z)
