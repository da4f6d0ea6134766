"""The visible tests of a downloaded notebook, run in the learner's own Python with NumPy only.

A notebook carries this module verbatim, after grader/answers/code_compare.py and the function
descriptors, so its test cell compares values and words each line exactly as "run my tests" does.
The tests are data (what the trusted tests.py gives as visible cases); expected values of hidden
tests, mistakes and checks never leave the server. Checks and sessions run when you submit.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import numpy as np

from grader.answers.code_compare import (
    MUTATED,
    call_text,
    compare,
    raised_problem,
    show,
    test_line,
)
from grader.sandbox.inside.descriptors import make_function


class Descriptor:
    """A function argument as the exercise names it: shown as `<function: kind>`, called as such."""

    def __init__(self, kind: str, args: list[Any]):
        self.kind = kind
        self.args = args


def decode(value: Any) -> Any:
    """A test's data from the notebook's JSON: arrays, tuples, dicts and function arguments."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "__array__" in value:
        return np.array(value["__array__"], dtype=value["dtype"]).reshape(value["shape"])
    if "__tuple__" in value:
        return tuple(decode(item) for item in value["__tuple__"])
    if "__function__" in value:
        return Descriptor(value["__function__"], [decode(item) for item in value["args"]])
    if "__dict__" in value:
        return {key: decode(item) for key, item in value["__dict__"].items()}
    return value


def callable_args(args: Any) -> list[Any]:
    """Fresh copies of the arguments, function descriptors made into functions."""
    return [
        make_function(a.kind, a.args) if isinstance(a, Descriptor) else copy.deepcopy(a)
        for a in args
    ]


def mutated(before: list[Any], after: list[Any]) -> bool:
    return any(
        compare(a, b, 0, 0) is not None
        for a, b in zip(before, after, strict=True)
        if isinstance(a, np.ndarray)
    )


def judge(test: dict[str, Any], function: Any, name: str) -> str:
    """One visible test's line, as "run my tests" words it."""
    args, kwargs = decode(test["args"]), decode(test["kwargs"])
    expected, raises = decode(test["expected"]), test["raises"]
    call = call_text(name, args)
    given = callable_args(args)
    try:
        value = function(*given, **{k: copy.deepcopy(v) for k, v in kwargs.items()})
        raised = None
    except Exception as error:  # the learner's exception is the news
        value, raised = None, (type(error).__name__, str(error))
        kinds = [c.__name__ for c in type(error).__mro__ if c.__module__ == "builtins"]
    if raises is not None:
        problem = None if raised and raises in kinds else f"expected it to raise {raises}"
        shown = f"raises {raises}"
    elif raised is not None:
        problem, shown = raised_problem(*raised), show(expected)
    elif test["checks_only"]:
        checks = "; ".join(test["checks"])
        return f"{test['name']}: {call} returned {show(value)}; Tangent checks it ({checks}) when you submit"
    else:
        problem, shown = compare(expected, value, test["rtol"], test["atol"]), show(expected)
    if problem is None and test["not_mutated"] and mutated(args, given):
        problem = MUTATED
    got = f"raised {raised[0]}" if raised else show(value)
    return test_line(test["name"], call, problem, shown, got)


def run_visible_tests(namespace: dict[str, Any], function: str, tests_json: str) -> None:
    """Print one line per visible test of `function` as defined in `namespace` (the notebook)."""
    tests = json.loads(tests_json)
    learner = namespace.get(function)
    if not callable(learner):
        print(f"Define a function named `{function}`.")
        return
    for test in tests:
        if "session" in test:
            print(f"{test['session']}: runs when you submit to Tangent")
        else:
            print(judge(test, learner, function))
