"""Tangent's client: submit functions from a notebook or a script and show the verdict there.

    import tangent
    tangent.login("https://tangent.example.org")   # a personal access token from your profile
    tangent.submit("m3-d-sigma", d_sigma)

Needs only the standard library and `requests`.
"""

from tangent.client import Result, TangentError, login, submit
from tangent.source import source_of

__all__ = ["Result", "TangentError", "login", "source_of", "submit"]
