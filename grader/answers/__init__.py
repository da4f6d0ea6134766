"""Answer kinds: one module per kind, each with `check_config`, `read` and `grade`.

check_config(part) -> list[str]              authoring errors in the part's configuration
read(part, payload) -> object                the learner's payload, read; raises InvalidAnswer
grade(part, params, payload) -> PartResult   the verdict for one part
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

# Imported lazily: a web process that only validates numbers never loads the sandbox.
_MODULES = {
    "number": "grader.answers.number",
    "choice": "grader.answers.choice",
    "expression": "grader.answers.expression",
    "matrix": "grader.answers.matrix",
    "code": "grader.answers.code",
    "interactive": "grader.answers.interactive",
}

# The keys one payload of each kind may have, its main key first: {"value": ...},
# {"choices": [...]}, ...; an expression may come as LaTeX instead, {"latex": ...}.
PAYLOAD_KEYS = {
    "number": ("value",),
    "choice": ("choices",),
    "expression": ("value", "latex"),
    "matrix": ("matrix",),
    "code": ("code",),
    "interactive": ("probes",),
}


def kind_module(kind: str) -> ModuleType:
    """The module that grades answers of `kind`."""
    try:
        return import_module(_MODULES[kind])
    except KeyError:
        raise ValueError(f"unknown answer kind {kind!r}") from None
