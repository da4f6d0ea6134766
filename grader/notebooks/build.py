"""An exercise variant as a Jupyter notebook (nbformat 4) for the learner to work on locally.

Cells: the prompt (Markdown, math as written), the variant's data (when the exercise draws data
under its prompt), one answer cell per code part (tagged `tangent-answer`, holding the starter),
and per part a visible-test cell that needs only NumPy and prints what "run my tests" prints.
The tests are the visible cases the part's trusted tests.py draws for this variant, as data:
hidden cases, mistakes, checks and reference solutions stay on the server.
"""

from __future__ import annotations

import ast
import inspect
import json
from typing import Any

import nbformat
import numpy as np
from nbformat import v4

from grader.answers import code_compare
from grader.answers.code import draw_cases
from grader.answers.code_cases import ANY_VALUE, Case
from grader.figures import exercise_figure
from grader.notebooks import local_tests
from grader.placeholders import fill
from grader.sandbox.inside import descriptors
from grader.sandbox.inside.protocol import FunctionArg
from grader.spec import ExerciseDef, PartDef

ANSWER_TAG = "tangent-answer"
TESTS_TAG = "tangent-tests"


def code_parts(definition: ExerciseDef) -> list[PartDef]:
    return [part for part in definition.parts if part.kind == "code"]


def encode(value: Any) -> Any:
    """A test's value as JSON data that local_tests.decode reads back exactly."""
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": str(value.dtype), "shape": list(value.shape)}
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple):
        return {"__tuple__": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {"__dict__": {str(key): encode(item) for key, item in value.items()}}
    if isinstance(value, FunctionArg):
        return {"__function__": value.kind, "args": [encode(item) for item in value.args]}
    return value


def visible_tests(part: PartDef, params: dict[str, Any]) -> list[dict[str, Any]]:
    """What "run my tests" runs for this variant, as data: visible cases and visible sessions."""
    tests: list[dict[str, Any]] = []
    index = 0
    for case in draw_cases(part, params):
        if not case.visible:
            continue
        if not isinstance(case, Case):
            tests.append({"session": case.name})
            continue
        index += 1
        checks_only = case.expected is ANY_VALUE
        tests.append(
            {
                "name": case.name or f"Test {index}",
                "args": encode(list(case.args)),
                "kwargs": encode(case.kwargs)["__dict__"],
                "expected": None if checks_only else encode(case.expected),
                "raises": case.raises,
                "rtol": case.rtol,
                "atol": case.atol,
                "not_mutated": case.not_mutated,
                "checks_only": checks_only,
                "checks": [check.name for check in case.checks],
            }
        )
    return tests


def _body(module: Any) -> str:
    """A module's source without its docstring, `from __future__` and `grader` imports."""
    source = inspect.getsource(module)
    tree = ast.parse(source)
    dropped: set[int] = set()
    for node in tree.body:
        docstring = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if (
            (docstring and node is tree.body[0])
            or (isinstance(node, ast.ImportFrom) and node.module == "__future__")
            or (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader"))
        ):
            dropped.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    lines = source.splitlines()
    kept = [line for number, line in enumerate(lines, start=1) if number not in dropped]
    return "\n".join(kept).strip()


def test_cell_source(part: PartDef, params: dict[str, Any]) -> str:
    """A self-contained cell: the comparison, the descriptors, the runner, the tests, the run."""
    tests = json.dumps(visible_tests(part, params), separators=(",", ":"))
    function = part.config["function"]
    parts = [
        "# Tangent's visible tests: run this cell after your answer cell. It needs only NumPy and\n"
        '# prints what "run my tests" prints on the exercise page (do not edit it).\n'
        "from __future__ import annotations",
        _body(code_compare),
        _body(descriptors),
        _body(local_tests),
        f"TESTS = {tests!r}",
        f"run_visible_tests(globals(), {function!r}, TESTS)",
    ]
    return "\n\n\n".join(parts) + "\n"


def _data_cell(definition: ExerciseDef, params: dict[str, Any]) -> str | None:
    """The data drawn under the prompt (a figure of data, not of an expression), as arrays."""
    if not definition.figure or "expr" in definition.figure:
        return None
    figure = exercise_figure(definition, params)
    if not figure:
        return None
    lines = [
        "import numpy as np",
        "",
        f"# {figure['title']}: your variant's data as the exercise page draws it (5 significant",
        "# figures; the tests pass your functions their data in full).",
        "data = {",
    ]
    for series in figure["series"]:
        xs, ys = zip(*series["points"], strict=True) if series["points"] else ((), ())
        lines.append(f"    {series['label']!r}: ({_array(xs)}, {_array(ys)}),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _array(values: Any) -> str:
    """NumPy source for a figure's numbers (None, a gap in the figure, as NaN)."""
    items = ", ".join("np.nan" if v is None else repr(float(v)) for v in values)
    return f"np.array([{items}])"


def build(
    definition: ExerciseDef,
    params: dict[str, Any],
    seed: int,
    *,
    version: str = "",
    site: str = "",
) -> nbformat.NotebookNode:
    """The notebook of one variant; `site` (the server's URL) goes in the submit instructions."""
    parts = code_parts(definition)
    cells = [v4.new_markdown_cell(f"# {definition.title}\n\n{fill(definition.prompt, params)}")]
    data = _data_cell(definition, params)
    if data:
        cells.append(v4.new_code_cell(data, metadata={"tangent": {"role": "data"}}))
    for part in parts:
        function = part.config["function"]
        signature = part.config.get("signature") or f"{function}(…)"
        heading = f"## Your answer: `{signature}`" if len(parts) == 1 else f"## Part {part.name}"
        cells.append(
            v4.new_markdown_cell(
                f"{heading}\n\nWrite your code in the next cell (Tangent grades that cell; keep "
                f"its `{ANSWER_TAG}` tag), then run the tests cell below it."
            )
        )
        cells.append(
            v4.new_code_cell(
                part.config.get("starter", ""),
                metadata={"tags": [ANSWER_TAG], "tangent": {"role": "answer", "part": part.name}},
            )
        )
        cells.append(
            v4.new_code_cell(
                test_cell_source(part, params),
                metadata={
                    "tags": [TESTS_TAG],
                    "tangent": {"role": "tests", "part": part.name},
                    "jupyter": {"source_hidden": True},
                },
            )
        )
    cells.append(v4.new_markdown_cell(_submit_text(definition, parts, site)))
    notebook: nbformat.NotebookNode = v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
            "tangent": {
                "exercise": definition.slug,
                "version": version,
                "seed": seed,
                "parts": [part.name for part in parts],
            },
        },
    )
    nbformat.validate(notebook)
    return notebook


def _submit_text(definition: ExerciseDef, parts: list[PartDef], site: str) -> str:
    function = parts[0].config["function"] if parts else "your_function"
    where = site or "https://your-tangent-server"
    return (
        "## Submit\n\n"
        "Upload this notebook on the exercise page, or submit from here with Tangent's client "
        "(`pip install ./clients/python` from the Tangent repository; make a personal access "
        "token on your profile page):\n\n"
        "```python\n"
        "import tangent\n\n"
        f'tangent.login("{where}")\n'
        f'tangent.submit("{definition.slug}", {function})\n'
        "```"
    )


def dumps(notebook: nbformat.NotebookNode) -> str:
    text: str = nbformat.writes(notebook, version=4)
    return text
