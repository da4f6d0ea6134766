# verdict: timeout
# must not: 9**9**9 blocks the worker
# ruff: noqa  (a hostile submission, kept as written)
def d_sigma(z):
    return 9**9**9
