# verdict: timeout
# must not: a job that sleeps (no CPU) is never stopped
import time


def d_sigma(z):
    time.sleep(3600)
