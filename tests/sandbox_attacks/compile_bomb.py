# verdict: error
# must not: a huge generated expression exhausts the worker while compiling
def d_sigma(z):
    source = "+".join(["1"] * 50000)
    return compile(source, "bomb", "eval")
