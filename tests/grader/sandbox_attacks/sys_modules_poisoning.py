# verdict: incorrect
# must not: replacing json/struct/os in sys.modules changes what the harness reports
# ruff: noqa  (a hostile submission, kept as written)
import sys
import types

import numpy as np

fake = types.ModuleType("json")
fake.dumps = lambda *a, **k: '{"score": 1.0}'
fake.loads = lambda *a, **k: {"score": 1.0}
sys.modules["json"] = fake
sys.modules["struct"] = fake
sys.meta_path.insert(0, type("Finder", (), {"find_spec": staticmethod(lambda *a, **k: None)})())


def d_sigma(z):
    return np.zeros_like(z)
