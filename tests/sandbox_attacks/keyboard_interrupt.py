# verdict: error
# must not: KeyboardInterrupt aborts the harness into a passing state
def d_sigma(z):
    raise KeyboardInterrupt
