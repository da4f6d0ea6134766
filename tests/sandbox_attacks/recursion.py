# verdict: error
# must not: unbounded recursion crashes the worker
def d_sigma(z):
    return d_sigma(z) + 1
