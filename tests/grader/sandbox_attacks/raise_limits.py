# verdict: memory
# must not: setrlimit or prlimit raise the address-space limit for a big allocation
# ruff: noqa  (a hostile submission, kept as written)
import resource

import numpy as np


def d_sigma(z):
    for which in (resource.RLIMIT_AS, resource.RLIMIT_CPU, resource.RLIMIT_NOFILE):
        try:
            resource.setrlimit(which, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
        except (OSError, ValueError) as error:
            print(which, type(error).__name__)
    return np.ones(2 * 10**9)
