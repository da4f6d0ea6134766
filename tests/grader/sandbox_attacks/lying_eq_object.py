# verdict: incorrect
# must not: an object whose __eq__ is always True is taken as the right answer
# ruff: noqa  (a hostile submission, kept as written)
class Anything:
    def __eq__(self, other):
        return True

    def __array__(self, *args, **kwargs):
        import numpy as np

        return np.zeros(3)


def d_sigma(z):
    return Anything()
