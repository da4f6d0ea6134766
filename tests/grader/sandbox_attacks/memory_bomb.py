# verdict: memory
# must not: a huge allocation takes the worker's memory
# ruff: noqa  (a hostile submission, kept as written)
def d_sigma(z):
    hog = []
    while True:
        hog.append(bytearray(256 * 1024 * 1024))
