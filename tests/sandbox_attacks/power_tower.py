# verdict: timeout
# must not: 9**9**9 blocks the worker
def d_sigma(z):
    return 9**9**9
