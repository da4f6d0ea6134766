# verdict: incorrect
# must not: an ndarray subclass overriding comparison, tobytes and __array__ passes
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


class Liar(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), bool)

    def __sub__(self, other):
        return np.zeros(np.shape(other))

    def tobytes(self, *args, **kwargs):
        s = 1 / (1 + np.exp(-np.asarray(self)))
        return np.asarray(s * (1 - s)).tobytes()

    def __array__(self, *args, **kwargs):
        return np.full(self.shape, 0.25)


def d_sigma(z):
    return np.zeros(np.shape(z)).view(Liar)
