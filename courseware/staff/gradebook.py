"""The gradebook: learners × quizzes (or × one quiz's exercises) with scores, attempts, last activity.

Scores follow the learner's pages: an exercise's score is the best current grading, a quiz's the
mean over its live exercises (0 for one not attempted), the course's the mean over the columns.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from courseware.accounts import display_name
from courseware.models import Course, Quiz, Submission
from courseware.scoring import is_counted
from courseware.staff.scope import learners_of, submissions_in


@dataclass
class Column:
    """A quiz (the course view) or an exercise (a quiz's drill-down)."""

    slug: str
    title: str
    exercise_ids: list[int]


@dataclass
class Cell:
    score: float | None = None  # None: nothing graded yet
    attempts: int = 0
    last: datetime | None = None


@dataclass
class Row:
    learner: object
    cells: list[Cell] = field(default_factory=list)

    @property
    def score(self) -> float:
        """The mean over the columns, 0 for a column not attempted."""
        return sum(c.score or 0.0 for c in self.cells) / len(self.cells) if self.cells else 0.0

    @property
    def attempts(self) -> int:
        return sum(c.attempts for c in self.cells)

    @property
    def last(self) -> datetime | None:
        times = [c.last for c in self.cells if c.last]
        return max(times) if times else None


@dataclass
class Gradebook:
    columns: list[Column]
    rows: list[Row]


@dataclass
class ExerciseRecord:
    """One learner's record on one exercise: best score, attempts, last activity."""

    best: float | None = None
    attempts: int = 0
    last: datetime | None = None


def quiz_columns() -> list[Column]:
    """Every quiz, in module order, with its live exercises."""
    quizzes = Quiz.objects.prefetch_related("items__exercise").order_by("module__order", "order")
    return [
        Column(
            quiz.slug,
            quiz.title,
            [item.exercise_id for item in quiz.items.all() if not item.exercise.retired],
        )
        for quiz in quizzes
    ]


def exercise_columns(quiz: Quiz) -> list[Column]:
    """A quiz's live exercises, in order."""
    items = quiz.items.select_related("exercise").order_by("position")
    return [
        Column(item.exercise.slug, item.exercise.title, [item.exercise_id])
        for item in items
        if not item.exercise.retired
    ]


def exercise_records(course: Course, learners=None) -> dict[tuple[int, int], ExerciseRecord]:
    """{(learner id, exercise id): record} over the course's submissions (of `learners` if given)."""
    records: dict[tuple[int, int], ExerciseRecord] = defaultdict(ExerciseRecord)
    submissions = submissions_in(course)
    if learners is not None:
        submissions = submissions.filter(attempt__learner__in=learners)
    rows = submissions.values_list(
        "attempt__learner_id",
        "attempt__exercise_version__exercise_id",
        "status",
        "created_at",
        "grading__score",
        "grading__verdict",
    )
    for learner_id, exercise_id, status, created_at, score, verdict in rows:
        record = records[learner_id, exercise_id]
        record.last = max(record.last, created_at) if record.last else created_at
        if is_counted(Submission.Purpose.ANSWER, status, verdict):
            record.attempts += 1
        if score is not None and (record.best is None or score > record.best):
            record.best = score
    return records


def build_gradebook(course: Course, quiz: Quiz | None = None, learners=None) -> Gradebook:
    """Rows for the course's learners (or the given ones); columns are quizzes, or a quiz's exercises."""
    columns = exercise_columns(quiz) if quiz else quiz_columns()
    learners = list(learners_of(course) if learners is None else learners)
    records = exercise_records(course, learners)
    rows = []
    for learner in learners:
        row = Row(learner)
        for column in columns:
            mine = [records.get((learner.pk, e)) for e in column.exercise_ids]
            mine_seen = [r for r in mine if r]
            scores = [r.best for r in mine_seen if r.best is not None]
            cell = Cell(attempts=sum(r.attempts for r in mine_seen))
            if scores and column.exercise_ids:
                cell.score = sum(scores) / len(column.exercise_ids)
            times = [r.last for r in mine_seen if r.last]
            cell.last = max(times) if times else None
            row.cells.append(cell)
        rows.append(row)
    return Gradebook(columns, rows)


def filter_rows(rows: list[Row], text: str = "", below: float | None = None) -> list[Row]:
    """Rows whose learner's username, name or e-mail contains `text`, scoring below `below` (0–1)."""
    text = text.strip().lower()

    def matches(row: Row) -> bool:
        learner = row.learner
        fields = (learner.username, display_name(learner), learner.email)
        if text and not any(text in (f or "").lower() for f in fields):
            return False
        return below is None or row.score < below

    return [row for row in rows if matches(row)]


def sort_rows(
    columns: list[Column], rows: list[Row], key: str, descending: bool = False
) -> list[Row]:
    """Sorted by learner (the name pages show), score, attempts, last activity or one column's score (`col:<slug>`)."""
    slugs = [c.slug for c in columns]
    if key.startswith("col:") and key[4:] in slugs:
        index = slugs.index(key[4:])
        return sorted(
            rows,
            key=lambda r: (r.cells[index].score or 0.0, r.learner.username),
            reverse=descending,
        )
    by = {
        "learner": lambda r: (display_name(r.learner).lower(), r.learner.username),
        "score": lambda r: (r.score, r.learner.username),
        "attempts": lambda r: (r.attempts, r.learner.username),
        "last": lambda r: (r.last.timestamp() if r.last else 0.0, r.learner.username),
    }
    return sorted(rows, key=by.get(key, by["learner"]), reverse=descending)


def gradebook_csv(book: Gradebook, rows: list[Row]) -> str:
    """The gradebook as CSV: one line per learner; scores as percentages, times in UTC ISO 8601."""
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["username", "name", "email", "score %", "attempts", "last activity"]
    for column in book.columns:
        header += [f"{column.title} score %", f"{column.title} attempts"]
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        learner = row.learner
        line = [
            learner.username,
            learner.get_full_name(),
            learner.email,
            percent(row.score),
            row.attempts,
            row.last.isoformat() if row.last else "",
        ]
        for cell in row.cells:
            line += ["" if cell.score is None else percent(cell.score), cell.attempts]
        writer.writerow([safe_cell(v) for v in line])
    return out.getvalue()


def percent(score: float) -> str:
    return f"{score * 100:.1f}"


def safe_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (text starting = + - @ gets a quote)."""
    text = str(value)
    if text and text[0] in "=+-@\t\r" and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
