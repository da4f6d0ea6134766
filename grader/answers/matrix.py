"""Matrix answers: gradients, Jacobians, Hessians as arrays of expressions, graded per entry.

Part config: answer (a list of rows of authored text, a list of entries for a vector, or one
trusted expression giving a matrix such as "jacobian([x*y, x+y], [x, y])"), orientation ("row" or
"column"; without it a vector is accepted as (n,), (n,1) or (1,n)), transpose_credit (default 0),
and variables, functions, form, tolerance, mistakes as for expressions.
Payload: {"matrix": [["text", ...], ...]} (or a flat list for a vector).
"""

from __future__ import annotations

import html
import math
from typing import Any

import sympy

from grader.answers import AnswerKind, Form, Page, Payload, Preview
from grader.answers.expression import (
    REVIEW_TEXT,
    applies,
    authored,
    authored_mistakes,
    carried_name,
    check_common,
    math_preview,
    mistake_result,
    read_text,
    tolerance_of,
    typeset,
    variables_widget,
)
from grader.equivalence import Equivalence, check_equivalent, clock, locate_difference
from grader.equivalence.localise import Location
from grader.form_checks import MESSAGES, failed_forms
from grader.mathinput import MathInputError, Reading
from grader.mathinput.printing import as_text, unambiguous_decimal
from grader.results import FULL_MARKS, Feedback, GraderError, InvalidAnswer, PartResult, Verdict
from grader.spec import PartDef

MAX_CELLS = 100
MAX_FORM_SIZE = 10  # rows or columns the page's form may send
CHECK_SECONDS = 0.25
LOCATE_SECONDS = 0.15  # for all the wrong entries of one answer together
Grid = list[list[Reading]]
Marks = list[list[Equivalence]]  # each entry's comparison with the expected one


def check_config(part: PartDef) -> list[str]:
    """Authoring errors in a matrix part's configuration."""
    config, where = part.config, f"parts.{part.name}"
    errors = check_common(config, where)
    answer = config.get("answer")
    if not (isinstance(answer, str) or _is_table(answer)):
        errors.append(f"{where}.answer: a list of rows of text, a list of entries, or one text")
    if config.get("orientation") not in (None, "row", "column"):
        errors.append(f"{where}.orientation: row or column")
    return errors


def _is_table(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    if all(isinstance(row, list) and row for row in value):
        return len({len(row) for row in value}) == 1
    return all(not isinstance(item, (list, dict)) for item in value)


def read(part: PartDef, payload: dict[str, Any]) -> tuple[Grid, bool]:
    """The learner's grid of read entries and whether it was written as a flat vector."""
    if not isinstance(payload, dict) or not isinstance(payload.get("matrix"), list):
        raise InvalidAnswer('Send {"matrix": [[...], ...]}: a list of rows.')
    rows, flat = _as_rows(payload["matrix"])
    if not rows or not all(isinstance(row, list) and row for row in rows):
        raise InvalidAnswer("The matrix needs at least one row, each with at least one entry.")
    if len({len(row) for row in rows}) != 1:
        raise InvalidAnswer("Every row of the matrix must have the same number of entries.")
    if len(rows) * len(rows[0]) > MAX_CELLS:
        raise InvalidAnswer(f"The matrix is too large (at most {MAX_CELLS} entries).")
    grid = []
    for i, row in enumerate(rows, start=1):
        cells = []
        for j, text in enumerate(row, start=1):
            where = f"entry {i}" if flat else f"row {i}, column {j}"
            text = _number_text(text)
            if not isinstance(text, str) or not text.strip():
                raise InvalidAnswer(f"{where}: enter an expression.")
            try:
                cells.append(read_text(part, text))
            except MathInputError as error:
                raise InvalidAnswer(f"{where}: {error.message}", column=error.column) from None
        grid.append(cells)
    return grid, flat


def _as_rows(rows: list[Any]) -> tuple[list[Any], bool]:
    """The rows, a flat vector's entries each as a row of one; and whether it was flat."""
    flat = bool(rows) and all(not isinstance(item, (list, dict)) for item in rows)
    return ([[item] for item in rows] if flat else rows), flat


def _number_text(value: Any) -> Any:
    """An entry an API client sent as a JSON number, as the text it stands for (1e-07 as
    (1*10^(-7)), never read as 1·e − 7); anything else as it came."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return value
    return str(value) if isinstance(value, int) else unambiguous_decimal(value)


def expected_grid(part: PartDef, answer: Any, params: dict[str, Any]) -> tuple[Grid, bool]:
    """An authored matrix (table of text or one trusted expression) as a grid of readings."""
    if isinstance(answer, str):
        value = authored(part, answer, params).value
        if not isinstance(value, sympy.MatrixBase):
            raise GraderError(f"part {part.name}: `{answer}` does not give a matrix")
        return [
            [Reading(value[i, j], value[i, j]) for j in range(value.cols)]
            for i in range(value.rows)
        ], False
    if all(isinstance(row, list) for row in answer):
        return [[authored(part, str(cell), params) for cell in row] for row in answer], False
    return [[authored(part, str(cell), params)] for cell in answer], True


def grade(part: PartDef, params: dict[str, Any], payload: dict[str, Any]) -> PartResult:
    """Shape first, then each entry; transposes and asymmetric Hessians are named."""
    grid, flat = read(part, payload)
    expected, expected_flat = expected_grid(part, part.config["answer"], params)
    grid = _oriented(part, grid, flat, expected, expected_flat)
    if _shape(grid) != _shape(expected):
        # An anticipated mistake may have another shape (a fit without its intercept, W * a).
        return _mistake(part, params, grid) or _wrong_shape(part, grid, expected)
    marks = _marks(part, grid, expected)
    if all(mark.equivalent for row in marks for mark in row):
        return _all_right(part, grid)
    mistake = _mistake(part, params, grid)
    if mistake is not None:
        return mistake
    if _shape(grid)[0] == _shape(grid)[1] > 1:
        named = _named_square_mistake(part, grid, expected)
        if named is not None:
            return named
    return _per_entry(
        marks,
        flat or expected_flat or 1 in _shape(expected),
        _locations(part, grid, expected, marks),
    )


@clock.budgeted
def _locations(
    part: PartDef, grid: Grid, expected: Grid, marks: Marks
) -> dict[tuple[int, int], Location]:
    """Where each wrong entry goes wrong, when certain, within one budget for the whole matrix."""
    deadline = clock.cpu_seconds() + LOCATE_SECONDS
    found = {}
    for i, row in enumerate(marks):
        for j, mark in enumerate(row):
            remaining = deadline - clock.cpu_seconds()
            if mark.equivalent is not False or remaining <= 0:
                continue
            location = locate_difference(
                grid[i][j],
                expected[i][j],
                part.config.get("variables", []),
                tolerance=tolerance_of(part.config),
                budget_s=remaining,
            )
            if location is not None:
                found[(i + 1, j + 1)] = location
    return found


def _shape(grid: Grid) -> tuple[int, int]:
    return len(grid), len(grid[0])


def _transpose(grid: Grid) -> Grid:
    return [list(column) for column in zip(*grid, strict=True)]


def _oriented(part: PartDef, grid: Grid, flat: bool, expected: Grid, expected_flat: bool) -> Grid:
    """A vector in the orientation of the expected one, when the exercise leaves it free."""
    rows, columns = _shape(expected)
    is_vector = expected_flat or rows == 1 or columns == 1
    orientation = part.config.get("orientation")
    if not is_vector or (orientation and not flat):
        return grid
    if _shape(grid) == (columns, rows) and 1 in _shape(grid):
        return _transpose(grid)
    return grid


def _describe_shape(shape: tuple[int, int]) -> str:
    rows, columns = shape
    return (
        f"{rows}×{columns} ({rows} row{'s' * (rows != 1)}, {columns} column{'s' * (columns != 1)})"
    )


def _equal(part: PartDef, left: Reading, right: Reading) -> Equivalence:
    config = part.config
    return check_equivalent(
        left,
        right,
        config.get("variables", []),
        tolerance=tolerance_of(config),
        budget_s=CHECK_SECONDS,
    )


def _all_equal(part: PartDef, grid: Grid, other: Grid) -> bool:
    return all(
        _equal(part, cell, target).equivalent
        for row, targets in zip(grid, other, strict=True)
        for cell, target in zip(row, targets, strict=True)
    )


def _marks(part: PartDef, grid: Grid, expected: Grid) -> Marks:
    return [
        [_equal(part, cell, target) for cell, target in zip(row, targets, strict=True)]
        for row, targets in zip(grid, expected, strict=True)
    ]


def _wrong_shape(part: PartDef, grid: Grid, expected: Grid) -> PartResult:
    shape, wanted = _shape(grid), _shape(expected)
    if shape == wanted[::-1] and _all_equal(part, grid, _transpose(expected)):
        return _transposed(part)
    text = f"Expected a {_describe_shape(wanted)} matrix; yours is {_describe_shape(shape)}."
    return PartResult(Verdict.INCORRECT, 0.0, [Feedback("message", text, {"shape": list(shape)})])


def _transposed(part: PartDef) -> PartResult:
    credit = float(part.config.get("transpose_credit", 0))
    text = (
        "Your matrix is the transpose of the expected one: in a Jacobian, rows are outputs and "
        "columns are inputs."
    )
    return PartResult(
        Verdict.for_score(credit), credit, [Feedback("mistake", text)], rule="transposed"
    )


def _all_right(part: PartDef, grid: Grid) -> PartResult:
    forms = part.config.get("form", [])
    failed = sorted({form for row in grid for cell in row for form in failed_forms(cell, forms)})
    if not failed:
        return PartResult(Verdict.CORRECT, FULL_MARKS, [Feedback("message", "Correct.")])
    credit = float(part.config.get("form_credit", 0.5))
    items = [Feedback("message", MESSAGES[form], {"form": form}) for form in failed]
    return PartResult(Verdict.for_score(credit), credit, items)


def _mistake(part: PartDef, params: dict[str, Any], grid: Grid) -> PartResult | None:
    for mistake in part.config.get("mistakes", []):
        if not applies(mistake, params):
            continue
        anticipated, _ = expected_grid(part, mistake["answer"], params)
        wrong: Grid | None = anticipated
        if _shape(anticipated) != _shape(grid):
            transposed = _shape(anticipated)[::-1] == _shape(grid)
            wrong = _transpose(anticipated) if transposed else None
        if wrong is not None and _all_equal(part, grid, wrong):
            return mistake_result(mistake, params)
    return None


def _named_square_mistake(part: PartDef, grid: Grid, expected: Grid) -> PartResult | None:
    """A square answer that is the transpose, or an asymmetric answer where symmetry is due."""
    transposed = _transpose(expected)
    symmetric = _all_equal(part, expected, transposed)
    if not symmetric and _all_equal(part, grid, transposed):
        return _transposed(part)
    if not symmetric:
        return None
    size = len(grid)
    for i in range(size):
        for j in range(i + 1, size):
            if _equal(part, grid[i][j], grid[j][i]).equivalent is False:
                text = (
                    f"Your matrix is not symmetric: entries ({i + 1},{j + 1}) and ({j + 1},{i + 1}) "
                    "differ, but for a smooth f the mixed partials are equal (f_xy = f_yx), so a "
                    "Hessian is symmetric."
                )
                marks = _per_entry(_marks(part, grid, expected), False)
                feedback = [Feedback("mistake", text), *marks.feedback]
                return PartResult(
                    marks.verdict, marks.score, feedback, rule="hessian-not-symmetric"
                )
    return None


def _per_entry(
    marks: Marks, flat: bool, locations: dict[tuple[int, int], Location] | None = None
) -> PartResult:
    """Partial credit: the share of right entries, with one feedback item per entry (saying
    where a wrong entry goes wrong when `locations` knows)."""
    locations = locations or {}
    feedback = []
    right = wrong = unknown = 0
    columns = len(marks[0])
    for i, row in enumerate(marks, start=1):
        for j, mark in enumerate(row, start=1):
            # A vector's entries are counted along it, whether it is a row or a column.
            where = f"Entry {(i - 1) * columns + j}" if flat else f"Row {i}, column {j}"
            data: dict[str, Any] = {"row": i, "column": j, "correct": mark.equivalent}
            if mark.equivalent:
                right += 1
                text = f"{where}: correct."
            elif mark.equivalent is None:
                unknown += 1
                text = f"{where}: could not be checked automatically; awaiting review."
            else:
                wrong += 1
                location = locations.get((i, j))
                details = [location.message if location else "", mark.describe()]
                text = " ".join([f"{where}: not correct.", *filter(None, details)])
                data.update(mark.as_data())
                if location:
                    data.update(location=location.message, highlight=location.highlight)
            feedback.append(Feedback("entry", text, data))
    total = right + wrong + unknown
    score = right / total
    if unknown and not wrong:
        return PartResult(
            Verdict.NEEDS_REVIEW, score, [Feedback("message", REVIEW_TEXT), *feedback]
        )
    summary = Feedback("message", f"{right} of {total} entries are correct.")
    return PartResult(Verdict.for_score(score), score, [summary, *feedback])


def cell_field(field: str, row: int, column: int) -> str:
    """The page's input for one entry (from 0), `<field>-<row>-<column>`."""
    return f"{field}-{row}-{column}"


def _read_form(part: PartDef, field: str, form: Form, page: Page) -> Payload:
    """The cells the page sent, as rows (the grid's shape is the page's)."""
    rows, columns = (_size(form.get(f"{field}-{key}")) for key in ("rows", "columns"))
    return {
        "matrix": [
            [form.get(cell_field(field, i, j), "") or "" for j in range(columns)]
            for i in range(rows)
        ]
    }


def _size(text: str | None) -> int:
    """A grid dimension from the form: 0..MAX_FORM_SIZE, and 0 for anything not a number."""
    return min(int(text), MAX_FORM_SIZE) if text and text.strip().isdigit() else 0


def _widget(part: PartDef, field: str, page: Page) -> dict[str, Any]:
    """The variables and an input grid sized like the variant's expected answer."""
    grid, _ = expected_grid(part, part.config["answer"], page.params)
    cells = [
        [
            {"name": cell_field(field, i, j), "label": f"row {i + 1}, column {j + 1}"}
            for j in range(len(row))
        ]
        for i, row in enumerate(grid)
    ]
    return {**variables_widget(part), "grid": cells}


def _shown(part: PartDef, payload: Payload, page: Page) -> tuple[str, str]:
    rows = payload.get("matrix")
    if not isinstance(rows, list):
        return "text", html.escape(str(rows or ""))
    rows, _ = _as_rows(rows)
    lines = []
    for row in rows:
        if not isinstance(row, list):
            return "text", html.escape(str(rows))
        cells = [typeset(part, str(_number_text(cell))) for cell in row]
        if any(cell is None for cell in cells):
            return "text", html.escape(str(rows))
        lines.append(" & ".join(str(cell) for cell in cells))
    return "math", r"\begin{pmatrix}" + r" \\ ".join(lines) + r"\end{pmatrix}"


def _value(part: PartDef, answer: Any, params: dict[str, Any]) -> sympy.Matrix:
    grid, _ = expected_grid(part, answer, params)
    return sympy.Matrix([[cell.value for cell in row] for row in grid])


def _written(part: PartDef, value: Any) -> Payload:
    return {"matrix": [[as_text(cell) for cell in row] for row in value.tolist()]}


def _payload(part: PartDef, answer: Any, params: dict[str, Any]) -> Payload:
    """An authored matrix as a learner sends it (a flat list for a vector written as one)."""
    grid, flat = expected_grid(part, answer, params)
    rows = [[as_text(cell.value) for cell in row] for row in grid]
    return {"matrix": [row[0] for row in rows] if flat else rows}


def _carried(part: PartDef, payload: Payload) -> dict[str, Any]:
    """name_ij for each entry (name_i for a vector), counted from 1."""
    grid, flat = read(part, payload)
    name = carried_name(part)
    if flat or len(grid[0]) == 1 or len(grid) == 1:
        cells = [cell for row in grid for cell in row]
        return {f"{name}_{i}": cell.literal for i, cell in enumerate(cells, start=1)}
    return {
        f"{name}_{i}{j}": cell.literal
        for i, row in enumerate(grid, start=1)
        for j, cell in enumerate(row, start=1)
    }


def _preview(part: PartDef, params: dict[str, Any]) -> Preview:
    return math_preview(part, params, _value)


KIND = AnswerKind(
    name="matrix",
    payload_keys=("matrix",),
    size_limit=64 * 1024,
    math=True,
    check_config=check_config,
    read=read,
    grade=grade,
    read_form=_read_form,
    widget=_widget,
    shown=_shown,
    reference=lambda part, params: _payload(part, part.config["answer"], params),
    mistakes=lambda part, params: authored_mistakes(part, params, _payload),
    preview=_preview,
    value=_value,
    written=_written,
    carried=_carried,
)
