# verdict: incorrect
# must not: a subprocess or shell runs (touching /tmp/tangent-pwned)
# ruff: noqa  (a hostile submission, kept as written)
import os
import subprocess

import numpy as np


def d_sigma(z):
    for attempt in (
        lambda: subprocess.run(["/bin/sh", "-c", "touch /tmp/tangent-pwned"]),
        lambda: os.system("touch /tmp/tangent-pwned"),
        lambda: os.posix_spawn("/usr/bin/touch", ["touch", "/tmp/tangent-pwned"], {}),
        lambda: os.execv("/usr/bin/touch", ["touch", "/tmp/tangent-pwned"]),
    ):
        try:
            attempt()
        except OSError as error:
            print(type(error).__name__)
    return np.zeros_like(z)
