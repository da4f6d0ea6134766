# verdict: incorrect
# must not: a float subclass that lies in __eq__/__sub__/__abs__ passes
# ruff: noqa  (a hostile submission, kept as written)
class Liar(float):
    def __eq__(self, other):
        return True

    def __sub__(self, other):
        return 0.0

    def __abs__(self):
        return 0.0

    def __float__(self):
        return 0.25


def d_sigma(z):
    return Liar(7.0)
