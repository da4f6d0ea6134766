# verdict: error
# must not: a huge generated expression exhausts the worker while compiling
# ruff: noqa  (a hostile submission, kept as written)
def d_sigma(z):
    source = "+".join(["1"] * 50000)
    return compile(source, "bomb", "eval")
