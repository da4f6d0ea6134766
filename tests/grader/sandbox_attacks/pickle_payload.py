# verdict: incorrect
# must not: a returned object with __reduce__ is unpickled (and runs code) on the trusted side
# ruff: noqa  (a hostile submission, kept as written)
import os


class Payload:
    def __reduce__(self):
        return (os.system, ("touch /tmp/tangent-pwned",))


def d_sigma(z):
    return Payload()
