# verdict: error
# must not: terminal escapes or bidi overrides in output and exception text reach the learner's page
# ruff: noqa  (a hostile submission, kept as written)
print("\x1b[2J\x1b[1;32mAll tests passed\x1b[0m \u202egnorw\u202c score: 1.0")


def d_sigma(z):
    raise ValueError("\u202e\x1b[31mcorrect\x1b[0m\x07")
