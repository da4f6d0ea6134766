# verdict: memory
# must not: a multi-gigabyte string literal is built and kept
def d_sigma(z):
    return "x" * 10**10
