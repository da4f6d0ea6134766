# verdict: incorrect
# must not: another learner's submission (host files or earlier job dirs) is readable
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    for path in ("@CANARY_DIR@/submissions/42.py", "/tmp", "/tmp/job-1", "/tmp/job", ".."):
        try:
            if os.path.isdir(path):
                print(path, os.listdir(path))
            else:
                print(path, open(path).read())
        except OSError as error:
            print(path, type(error).__name__)
    return np.zeros_like(z)
