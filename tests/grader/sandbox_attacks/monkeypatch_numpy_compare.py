# verdict: incorrect
# must not: patched numpy.allclose/array_equal/isclose make zeros pass
# ruff: noqa  (a hostile submission, kept as written)
import numpy as np

np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)
np.testing.assert_allclose = lambda *a, **k: None


def d_sigma(z):
    return np.zeros_like(z)
