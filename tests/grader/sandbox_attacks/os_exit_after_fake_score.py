# verdict: error
# must not: a score line printed before os._exit(0) is read as the result
# ruff: noqa  (a hostile submission, kept as written)
import json
import os


def d_sigma(z):
    print(json.dumps({"score": 1.0, "verdict": "correct"}))
    print("RESULT: PASS 5/5")
    os._exit(0)
