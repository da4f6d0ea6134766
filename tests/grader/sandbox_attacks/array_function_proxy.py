# verdict: incorrect
# must not: an __array_function__/__array_ufunc__ proxy is taken as an array
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np


class Proxy:
    shape = (3,)
    dtype = np.dtype(float)

    def __array_function__(self, func, types, args, kwargs):
        return True

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return np.zeros(3)


def d_sigma(z):
    return Proxy()
