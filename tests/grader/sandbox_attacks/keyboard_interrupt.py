# verdict: error
# must not: KeyboardInterrupt aborts the harness into a passing state
# ruff: noqa  (a hostile submission, kept as written)
def d_sigma(z):
    raise KeyboardInterrupt
