# verdict: error
# must not: unbounded recursion crashes the worker
# ruff: noqa  (a hostile submission, kept as written)
def d_sigma(z):
    return d_sigma(z) + 1
