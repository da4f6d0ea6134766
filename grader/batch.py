"""Grading a batch of expression pairs from JSON lines, in one process (no start-up per line).

Each input line is {"id", "answer", "expected", "variables"} (a list, or text like "x, y") (optionally "functions",
"tolerance" and "euler": true, which refuses `4e+2` in the answer as ambiguous); each output line is {"id", "equivalent": true|false|null, "error": str|null,
"seconds": float}, in input order. A malformed line gets an error line, never a crash.
"""

from __future__ import annotations

import json
import re
import time
from typing import IO, Any

from grader.equivalence import check_equivalent
from grader.mathinput import MathInputError, read

MAX_LINE = 64 * 1024


def grade_lines(in_stream: IO[str], out_stream: IO[str]) -> int:
    """Grade every line of `in_stream`, writing one result line each; returns the count written."""
    written = 0
    for number, line in enumerate(in_stream, start=1):
        if not line.strip():
            continue
        started = time.perf_counter()
        result = grade_line(line, number)
        result["seconds"] = round(time.perf_counter() - started, 6)
        out_stream.write(json.dumps(result) + "\n")
        out_stream.flush()
        written += 1
    return written


def grade_line(line: str, number: int) -> dict[str, Any]:
    """The result object for one input line (without its timing)."""
    result: dict[str, Any] = {"id": None, "equivalent": None, "error": None}
    try:
        item = json.loads(line)
    except ValueError as error:
        result["id"] = _recovered_id(line)
        result["error"] = f"line {number}: not JSON ({error.msg})"
        if len(line) > MAX_LINE:
            result["error"] = f"line {number}: longer than {MAX_LINE} characters"
        return result
    if len(line) > MAX_LINE:
        result["id"] = item.get("id") if isinstance(item, dict) else None
        result["error"] = f"line {number}: longer than {MAX_LINE} characters"
        return result
    if not isinstance(item, dict):
        result["error"] = f"line {number}: expected a JSON object"
        return result
    result["id"] = item.get("id")
    problem = _problem(item)
    if problem:
        result["error"] = f"line {number}: {problem}"
        return result
    variables = item.get("variables", [])
    variables = re.split(r"[,\s]+", variables.strip()) if isinstance(variables, str) else variables
    functions = item.get("functions", [])
    try:
        answer = read(
            item["answer"], variables, functions=functions, euler=item.get("euler") is True
        )
    except MathInputError as error:
        result["error"] = f"answer: {error.message}"
        return result
    try:
        expected = read(item["expected"], variables, functions=functions, trusted=True)
    except MathInputError as error:
        result["error"] = f"expected: {error.message}"
        return result
    verdict = check_equivalent(answer, expected, variables, tolerance=item.get("tolerance"))
    result["equivalent"] = verdict.equivalent
    return result


_ID = re.compile(r'"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,20})')


def _recovered_id(line: str) -> Any:
    """The id of a line that is not JSON as a whole, when its `"id": ...` member can be read."""
    found = _ID.search(line)
    if found is None:
        return None
    try:
        return json.loads(found.group(1))
    except ValueError:
        return None


def _problem(item: dict) -> str | None:
    """What is wrong with the shape of one input object, if anything."""
    for key in ("answer", "expected"):
        if not isinstance(item.get(key), str):
            return f'"{key}" must be text'
    variables = item.get("variables", [])
    if isinstance(variables, str):
        variables = variables.split(",")
    if not isinstance(variables, list) or not all(isinstance(v, str) for v in variables):
        return '"variables" must be a list of names'
    functions = item.get("functions", [])
    if not isinstance(functions, list) or not all(isinstance(f, str) for f in functions):
        return '"functions" must be a list of names'
    if not isinstance(item.get("euler", False), bool):
        return '"euler" must be true or false'
    tolerance = item.get("tolerance")
    if tolerance is not None and not (
        isinstance(tolerance, dict)
        and all(k in ("rel", "abs") and isinstance(v, (int, float)) for k, v in tolerance.items())
    ):
        return '"tolerance" must be {"rel": number, "abs": number}'
    return None
