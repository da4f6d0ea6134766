"""An uploaded notebook, read without running it: checked, outputs dropped, answer code found.

The code graded is that of the cells tagged `tangent-answer` (for an exercise of several code
parts, those whose `tangent.part` metadata names the part); a notebook without them gives the
function the part asks for, found by name in any code cell, with the definitions and imports it
uses. Cells are parsed with `ast`, never executed: the code runs only in the sandbox, as an answer.
"""

from __future__ import annotations

import ast
import json
import re
import warnings
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbformat.v4.rwbase import rejoin_lines

from grader.answers.code import MAX_CODE_BYTES
from grader.notebooks.build import ANSWER_TAG

MAX_BYTES = 2_000_000
MAX_CELLS = 1000
# The code cells read to find a function by name, at most: twice the largest code answer. Python's
# parser holds about 1 KB per node, so 2 MB of code took 15 s and 1.8 GB of a web process.
MAX_CODE_READ = 2 * MAX_CODE_BYTES
_MAGIC = re.compile(r"^(\s*)([%!].*)$", re.MULTILINE)


class NotebookRefused(Exception):
    """A notebook that cannot be read as an answer: `status` (4xx) and why, in words."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Found:
    """The code to grade, the cells it came from (1-based, as a reader counts them) and how."""

    code: str
    cells: list[int]
    how: str
    skipped: list[int] = field(default_factory=list)

    def describe(self) -> str:
        numbers = ", ".join(str(n) for n in self.cells)
        noun = "cell" if len(self.cells) == 1 else "cells"
        text = f"Graded the code of {noun} {numbers} ({self.how})."
        if self.skipped:
            skipped = ", ".join(str(n) for n in self.skipped)
            text += f" Cells {skipped} are not valid Python and were left out."
        return text


def parse(raw: bytes | str) -> dict[str, Any]:
    """The JSON of an uploaded .ipynb file; 413 over the size limit, 422 when it is not JSON."""
    if len(raw) > MAX_BYTES:
        raise NotebookRefused(413, too_large(len(raw)))
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise NotebookRefused(422, "The file is not a notebook: it is not valid JSON.") from None
    if not isinstance(data, dict):
        raise NotebookRefused(422, "The file is not a notebook: its JSON is not an object.")
    return data


def too_large(size: int) -> str:
    return (
        f"The notebook is {size / 1e6:.1f} MB, over the {MAX_BYTES / 1e6:.0f} MB limit; clear its "
        "outputs (Edit → Clear Outputs of All Cells) and save it again."
    )


def checked(data: dict[str, Any]) -> nbformat.NotebookNode:
    """A valid nbformat 4 notebook with its outputs dropped; NotebookRefused otherwise."""
    cells = data.get("cells")
    if data.get("nbformat") != 4 or not isinstance(cells, list):
        raise NotebookRefused(422, "The file is not a Jupyter notebook in format 4 (nbformat 4).")
    if len(cells) > MAX_CELLS:
        raise NotebookRefused(
            413,
            f"The notebook has {len(cells)} cells; a notebook for Tangent has at most {MAX_CELLS}.",
        )
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    try:
        notebook: nbformat.NotebookNode = nbformat.from_dict(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            nbformat.validate(notebook, version=4)
        rejoin_lines(notebook)  # sources saved as lists of lines, as Jupyter writes them
    except RecursionError:
        raise NotebookRefused(
            422, "The notebook is not valid nbformat 4: it nests too deeply."
        ) from None
    except (nbformat.ValidationError, TypeError, ValueError, AttributeError, KeyError) as error:
        reason = str(getattr(error, "message", "") or error).splitlines()[0][:200]
        raise NotebookRefused(422, f"The notebook is not valid nbformat 4: {reason}") from None
    return notebook


def _python(source: str) -> str:
    """A cell's source with IPython's `%magic` and `!shell` lines kept only as comments."""
    return _MAGIC.sub(r"\1# \2", source)


def answer_code(notebook: nbformat.NotebookNode, part: str, function: str, parts: int = 1) -> Found:
    """The code a code part grades: its marked cells, else `function` and what it uses."""
    code_cells = [
        (number, cell)
        for number, cell in enumerate(notebook.cells, start=1)
        if cell.cell_type == "code"
    ]
    marked = [(n, c) for n, c in code_cells if _marks(c, part, parts)]
    if marked:
        code = "\n\n".join(_python(c.source).rstrip() for _, c in marked) + "\n"
        return Found(code, [n for n, _ in marked], f"tagged {ANSWER_TAG}")
    return _by_name(code_cells, function)


def _marks(cell: Any, part: str, parts: int) -> bool:
    tangent = cell.metadata.get("tangent", {})
    if isinstance(tangent, dict) and tangent.get("role") == "answer":
        return bool(tangent.get("part", part) == part)
    return parts == 1 and ANSWER_TAG in (cell.metadata.get("tags") or [])


def _by_name(code_cells: list[tuple[int, Any]], function: str) -> Found:
    """`function`'s last definition in the notebook and, transitively, the top-level definitions
    and imports it names (each name's last), in notebook order."""
    sources = [(number, _python(cell.source)) for number, cell in code_cells]
    size = sum(len(source.encode("utf-8", "surrogatepass")) for _, source in sources)
    if size > MAX_CODE_READ:
        raise NotebookRefused(
            413,
            f"The notebook holds {size / 1024:.0f} KB of code; to find `{function}` by name "
            f"Tangent reads at most {MAX_CODE_READ // 1024} KB. Give the cell with your answer the "
            f"tag {ANSWER_TAG}, or remove the cells you do not need.",
        )
    defined: dict[str, tuple[int, int, str]] = {}  # name -> (cell, line, source)
    uses: dict[tuple[int, int], set[str]] = {}
    skipped = []
    for number, source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            skipped.append(number)
            continue
        lines = source.splitlines()
        for node in tree.body:
            names = _bound(node)
            if not names:
                continue
            first = min([node.lineno, *(d.lineno for d in getattr(node, "decorator_list", []))])
            text = "\n".join(lines[first - 1 : node.end_lineno])
            for name in names:
                defined[name] = (number, first, text)
            uses[(number, first)] = {
                n.id
                for n in ast.walk(node)
                if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store)
            }
    if function not in defined:
        raise NotebookRefused(
            422,
            f"No cell is tagged {ANSWER_TAG} and no code cell defines `{function}`: define it, "
            "or tag the cell that holds your answer.",
        )
    wanted, queue = set(), [function]
    while queue:
        name = queue.pop()
        if name in wanted or name not in defined:
            continue
        wanted.add(name)
        cell, line, _ = defined[name]
        queue.extend(uses[(cell, line)] - wanted)
    pieces = sorted({defined[name] for name in wanted})
    code = "\n\n\n".join(text for _, _, text in pieces) + "\n"
    cells = sorted({cell for cell, _, _ in pieces})
    return Found(code, cells, f"`{function}` found by name, with what it uses", skipped)


def _bound(node: ast.stmt) -> list[str]:
    """The names a top-level statement defines (definitions, imports, plain assignments)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    return []
