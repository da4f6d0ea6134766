# verdict: memory
# must not: a multi-gigabyte string literal is built and kept
# ruff: noqa  (a hostile submission, kept as written)
def d_sigma(z):
    return "x" * 10**10
