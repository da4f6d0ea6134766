"""The gradebook: learners × quizzes (or × one quiz's exercises) with scores, attempts, last activity.

Scores follow the learner's pages: an exercise's score is the best current grading, a quiz's the
mean over its live exercises (0 for one not attempted), the course's the mean over the columns.

The gradebook is read a page of learners at a time. By learner, the database sorts, searches and
pages the learners (by the name pages show); a page's cells come from one aggregate query over
those learners' answers (per learner × exercise: best score, counted attempts, last activity),
summed per learner × column in the database.
Sorting or filtering by a score needs every learner's sums: one more query over the course's
answers, summed per learner in the database, so no request holds every learner's cells.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Lower

from courseware import catalogue
from courseware.accounts import display_name_expression
from courseware.models import Course, Quiz, Submission
from courseware.scoring import COUNTED
from courseware.staff.scope import learners_of, submissions_in

PAGE_SIZE = 50  # learners on a page of the gradebook
CSV_CHUNK = 500  # learners per query while the CSV streams

# A learner's row sums from their records, each exercise weighted (`learner_summaries`). Only
# placeholders and the ORM's own SQL for `record_rows` are put into it: no value reaches the text.
_SUMS = (
    "WITH w (exercise, share, sorted_share, repeats) AS (VALUES {weights})"
    " SELECT r.learner, SUM(COALESCE(r.best, 0) * w.share),"
    " SUM(COALESCE(r.best, 0) * w.sorted_share), SUM(r.attempts * w.repeats), MAX(r.last)"
    " FROM ({records}) r JOIN w ON w.exercise = r.exercise GROUP BY r.learner"
)
_WEIGHT = (
    "(CAST(%s AS BIGINT), CAST(%s AS DOUBLE PRECISION), CAST(%s AS DOUBLE PRECISION),"
    " CAST(%s AS INTEGER))"
)
# A page's cells: its learners' records summed per column (`column_cells`); as above, only
# placeholders and the ORM's own SQL reach the text.
_CELLS = (
    "WITH w (exercise, col) AS (VALUES {places})"
    " SELECT r.learner, w.col, SUM(r.best), SUM(r.attempts), MAX(r.last)"
    " FROM ({records}) r JOIN w ON w.exercise = r.exercise GROUP BY r.learner, w.col"
)
_PLACE = "(CAST(%s AS BIGINT), CAST(%s AS INTEGER))"


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
    learner: User
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
class Summary:
    """A learner's row totals as the database sums them, for ordering and filtering."""

    score: float = 0.0  # as `Row.score`
    column_score: float = 0.0  # the score in the column being sorted by, if any
    attempts: int = 0
    last: datetime | None = None


@dataclass
class Query:
    """What a gradebook page or CSV asks for: a learner filter, a score ceiling, a sort."""

    text: str = ""
    below: float | None = None  # 0–1: only learners scoring under it
    sort: str = "learner"  # score, attempts, last, or col:<slug> (a column's score)
    descending: bool = False


def quiz_columns() -> list[Column]:
    """Every quiz, in module order, with its live exercises (the bank's shared outline)."""
    return [
        Column(quiz.slug, quiz.title, list(quiz.exercise_ids))
        for module in catalogue.outline().modules
        for quiz in module.quizzes
    ]


def exercise_columns(quiz: Quiz) -> list[Column]:
    """A quiz's live exercises, in order."""
    items = quiz.items.select_related("exercise").order_by("position")
    return [
        Column(item.exercise.slug, item.exercise.title, [item.exercise_id])
        for item in items
        if not item.exercise.retired
    ]


def columns_of(quiz: Quiz | None) -> list[Column]:
    return exercise_columns(quiz) if quiz else quiz_columns()


def record_rows(
    course: Course, among: Iterable[int] | None = None
) -> QuerySet[Submission, Mapping[str, Any]]:
    """Per learner × exercise of the course's work: the best current score, the counted attempts
    and the last activity, as one GROUP BY (the one definition the pages and the sums share);
    only the learners `among` the given ids if given."""
    return (
        submissions_in(course, among)
        .order_by()
        .values(
            learner=F("attempt__learner_id"), exercise=F("attempt__exercise_version__exercise_id")
        )
        .annotate(
            best=Max("grading__score"),
            attempts=Count("pk", filter=COUNTED),
            last=Max("created_at"),
        )
    )


def column_cells(
    course: Course, learners: list[int], columns: list[Column]
) -> dict[tuple[int, int], Cell]:
    """{(learner id, column index): cell} for the given learners' work in the columns, from one
    query: a column's score is its exercises' best scores summed over its size (None while none is
    graded), its attempts and last activity those of its exercises."""
    places = [(e, i) for i, column in enumerate(columns) for e in column.exercise_ids]
    if not places or not learners:
        return {}
    inner, inner_params = record_rows(course, learners).query.sql_with_params()
    sql = _CELLS.format(places=", ".join([_PLACE] * len(places)), records=inner)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*(value for place in places for value in place), *inner_params])
        return {
            (learner, i): Cell(
                None if best is None else best / len(columns[i].exercise_ids),
                int(attempts),
                _moment(last),
            )
            for learner, i, best, attempts, last in cursor.fetchall()
        }


def _moment(value: datetime | str | None) -> datetime | None:
    """A time that raw SQL read: PostgreSQL gives a datetime, SQLite text in UTC."""
    if value is None or isinstance(value, datetime):
        return value
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def build_gradebook(course: Course, learners: Iterable[User], columns: list[Column]) -> Gradebook:
    """The given learners' rows, from one query over their work."""
    learners = list(learners)
    cells = column_cells(course, [learner.pk for learner in learners], columns)
    return Gradebook(
        columns,
        [
            Row(learner, [cells.get((learner.pk, i)) or Cell() for i in range(len(columns))])
            for learner in learners
        ],
    )


def learner_summaries(
    course: Course, columns: list[Column], sort_column: Column | None = None
) -> dict[int, Summary]:
    """{learner id: Summary} for every learner with work in the columns, from one query.

    Sums `record_rows` per learner, each exercise weighted by its share of the row score (1 / its
    column's size / the number of columns; an exercise in two quizzes counts in both).
    """
    share: dict[int, float] = defaultdict(float)
    repeats: Counter[int] = Counter()
    for column in columns:
        for exercise in column.exercise_ids:
            share[exercise] += 1 / len(column.exercise_ids) / len(columns)
            repeats[exercise] += 1
    if not share:
        return {}
    sorted_ids = sort_column.exercise_ids if sort_column else []
    records = record_rows(course).filter(attempt__exercise_version__exercise_id__in=list(share))
    inner, inner_params = records.query.sql_with_params()
    weights = ", ".join([_WEIGHT] * len(share))
    sql = _SUMS.format(weights=weights, records=inner)
    params = [
        value
        for e in share
        for value in (e, share[e], 1 / len(sorted_ids) if e in sorted_ids else 0.0, repeats[e])
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        return {
            learner: Summary(score, column_score, attempts, _moment(last))
            for learner, score, column_score, attempts, last in cursor.fetchall()
        }


def ordered_learners(
    course: Course, columns: list[Column], query: Query
) -> QuerySet[User] | Sequence[User]:
    """The course's learners matching the query, in its order: what a gradebook pages through.

    By learner with no score filter, a query the database sorts and pages; any other order or a
    score filter needs every learner's sums (one more query) and sorts here.
    """
    people = learners_of(course).alias(name=Lower(display_name_expression()))
    text = query.text.strip()
    if text:
        people = people.filter(
            Q(username__icontains=text) | Q(name__contains=text.lower()) | Q(email__icontains=text)
        )
    slugs = [c.slug for c in columns]
    wanted = query.sort.removeprefix("col:")
    sort_column = columns[slugs.index(wanted)] if query.sort != wanted and wanted in slugs else None
    measures = {
        "score": lambda s: s.score,
        "attempts": lambda s: s.attempts,
        "last": lambda s: s.last.timestamp() if s.last else 0.0,
    }
    measure = (lambda s: s.column_score) if sort_column else measures.get(query.sort)
    order = ("-name", "-username") if query.descending else ("name", "username")
    people = people.order_by(*order)
    if query.below is None and measure is None:
        return people
    sums: defaultdict[int, Summary] = defaultdict(
        Summary, learner_summaries(course, columns, sort_column)
    )
    learners = list(people.only("username", "first_name", "last_name", "email"))
    if query.below is not None:
        learners = [p for p in learners if sums[p.pk].score < query.below]
    if measure is None:  # by learner, as the database sorted them
        return learners
    key = lambda p: (measure(sums[p.pk]), p.username)  # noqa: E731
    return sorted(learners, key=key, reverse=query.descending)


def gradebook_page(
    course: Course, quiz: Quiz | None, query: Query, number: int | str
) -> tuple[Gradebook, Page[User]]:
    """One page of the gradebook (`number` from 1; InvalidPage when there is no such page)."""
    columns = columns_of(quiz)
    page = Paginator(ordered_learners(course, columns, query), PAGE_SIZE).page(number)
    return build_gradebook(course, page.object_list, columns), page


def gradebook_csv(course: Course, quiz: Quiz | None, query: Query) -> Iterator[str]:
    """The gradebook as CSV lines, CSV_CHUNK learners built at a time: one line per learner;
    scores as percentages, times in UTC ISO 8601."""
    columns = columns_of(quiz)
    header = ["username", "name", "email", "score %", "attempts", "last activity"]
    for column in columns:
        header += [f"{column.title} score %", f"{column.title} attempts"]
    yield _csv_line(header)
    chunks = Paginator(ordered_learners(course, columns, query), CSV_CHUNK)
    for number in chunks.page_range:
        for row in build_gradebook(course, chunks.page(number).object_list, columns).rows:
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
            yield _csv_line(line)


class _Echo:
    def write(self, text: str) -> str:
        return text


def _csv_line(values: Iterable[object]) -> str:
    line: str = csv.writer(_Echo()).writerow([safe_cell(v) for v in values])
    return line


def percent(score: float) -> str:
    return f"{score * 100:.1f}"


def safe_cell(value: object) -> str:
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


def all_course_scores(course: Course) -> list[float]:
    """Every learner's course score (0 for one with no work yet), from the sums: for the histogram."""
    sums = learner_summaries(course, quiz_columns())
    learners = learners_of(course).values_list("pk", flat=True)
    return [sums[pk].score if pk in sums else 0.0 for pk in learners]
