# verdict: incorrect
# must not: files appear in the host /tmp, the project or outside the job directory
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    for path in (
        "/tmp/tangent-pwned",
        "@PROJECT@/tangent-pwned",
        "@CANARY_DIR@/tangent-pwned",
        "/dev/shm/tangent-pwned",
        "/runner/server.py",
        "/usr/tangent-pwned",
    ):
        try:
            with open(path, "w") as handle:
                handle.write("pwned")
            print("wrote", path)
        except OSError as error:
            print(path, type(error).__name__)
    return np.zeros_like(z)
