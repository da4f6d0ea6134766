"""The source code to send for some functions: theirs, and what they use from their module.

Python keeps a function's source (in Jupyter, the cell's) and the names its code refers to; the
names that are the notebook's own functions, imported modules and simple constants become part of
the submission, so that it runs on the server as it does here.
"""

from __future__ import annotations

import inspect
import textwrap
import types
from collections.abc import Callable
from typing import Any

CONSTANTS = (int, float, complex, str, bool, bytes, type(None))


def _names(code: types.CodeType) -> set[str]:
    """Global names a code object (and any nested function or comprehension in it) refers to."""
    found = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found |= _names(const)
    return found


def _plain(value: Any) -> bool:
    if isinstance(value, CONSTANTS):
        return True
    if isinstance(value, (tuple, list, frozenset)):
        return all(_plain(item) for item in value)
    if isinstance(value, dict):
        return all(_plain(k) and _plain(v) for k, v in value.items())
    return False


def source_of(*functions: Callable[..., Any]) -> str:
    """Imports, constants, then helper functions, then `functions`: a module that defines them."""
    imports: dict[str, str] = {}
    constants: dict[str, str] = {}
    defined: dict[str, str] = {}
    seen: set[int] = set()

    def add(function: Callable[..., Any]) -> None:
        if id(function) in seen:
            return
        seen.add(id(function))
        try:
            text = textwrap.dedent(inspect.getsource(function))
        except (OSError, TypeError) as error:
            raise ValueError(f"cannot read the source of {function!r}: {error}") from None
        namespace = getattr(function, "__globals__", {})
        code = getattr(function, "__code__", None)
        for name in sorted(_names(code) if code else set()):
            if name not in namespace or name in defined:
                continue
            value = namespace[name]
            if isinstance(value, types.ModuleType):
                real = value.__name__
                imports[name] = f"import {real}" if real == name else f"import {real} as {name}"
            elif (
                isinstance(value, (types.FunctionType, type))
                and value.__module__ == function.__module__
            ):
                add(value)
            elif (
                callable(value)
                and getattr(value, "__module__", None)
                and getattr(value, "__name__", None)
            ):
                original = value.__name__
                alias = "" if original == name else f" as {name}"
                imports[name] = f"from {value.__module__} import {original}{alias}"
            elif _plain(value):
                constants[name] = f"{name} = {value!r}"
        defined[getattr(function, "__name__", str(id(function)))] = text.rstrip()

    for function in functions:
        add(function)
    blocks = ["\n".join(sorted(set(imports.values()))), "\n".join(constants.values())]
    blocks += list(defined.values())
    return "\n\n\n".join(block for block in blocks if block) + "\n"
