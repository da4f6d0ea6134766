# verdict: incorrect
# must not: a symlink or hard link in the job directory leads to files outside it
# ruff: noqa  (a hostile submission, kept as written)
import os

import numpy as np


def d_sigma(z):
    for target in ("/etc/passwd", "@CANARY_DIR@/secret.txt", "/proc/1/environ", "/"):
        try:
            os.symlink(target, "link")
            print(target, open("link", "rb").read()[:100])
        except OSError as error:
            print(target, type(error).__name__)
        finally:
            if os.path.lexists("link"):
                os.unlink("link")
    try:
        os.link("@CANARY_DIR@/secret.txt", "hard")
        print(open("hard").read())
    except OSError as error:
        print("hard link", type(error).__name__)
    return np.zeros_like(z)
