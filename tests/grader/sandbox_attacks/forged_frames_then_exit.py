# verdict: error
# must not: hand-written result frames claiming success raise the score
# ruff: noqa  (a hostile submission, kept as written)
import json
import os
import struct

import numpy as np


def frame(header, blob=b""):
    header = dict(header, blobs=[len(blob)] if blob else [])
    text = json.dumps(header).encode()
    return struct.pack("<4sII", b"TNG1", len(text), len(blob)) + text + blob


def d_sigma(z):
    data = np.zeros(np.shape(z)).tobytes()
    value = {"t": "array", "dtype": "f8", "shape": list(np.shape(z)), "blob": 0}
    for i in range(20):
        os.write(4, frame({"i": i, "value": value, "score": 1.0, "passed": True}, data))
    os.write(4, frame({"done": True, "score": 1.0}))
    os._exit(0)
