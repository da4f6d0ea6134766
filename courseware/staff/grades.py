"""Grades: learners × the course's assessments (with weights and the weighted total), or × one
assessment's items. Every score comes from `courseware.scoring`; exceptions are marked."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from courseware import scoring
from courseware.models import Assessment, Course, ExamSitting
from courseware.staff.gradebook import percent, safe_cell
from courseware.staff.scope import learners_of


@dataclass
class Column:
    title: str
    possible: float
    weight: float | None = None  # assessments only
    slug: str = ""


@dataclass
class Cell:
    points: float
    possible: float
    used: int = 0
    late: bool = False
    exception: bool = False
    graded: bool = True

    @property
    def fraction(self) -> float:
        return self.points / self.possible if self.possible else 0.0


@dataclass
class Row:
    learner: User
    cells: list[Cell] = field(default_factory=list)
    total: float = 0.0  # 0–1: the weighted mean (course) or points over possible (assessment)
    minutes_taken: float | None = None  # an exam's: from the start to the hand-in or the end


@dataclass
class Book:
    columns: list[Column]
    rows: list[Row]
    assessment: Assessment | None = None


def build(course: Course, assessment: Assessment | None = None) -> Book:
    learners = list(learners_of(course))
    if assessment is not None:
        return _items_book(assessment, learners)
    chosen = list(course.assessments.prefetch_related("items"))
    per_assessment = [scoring.assessment_scores(a, learners) for a in chosen]
    columns = [
        Column(a.title, sum(i.points for i in a.items.all()), a.weight, a.slug) for a in chosen
    ]
    rows = []
    for learner in learners:
        scores = [by_learner[learner.pk] for by_learner in per_assessment]
        cells = [
            Cell(
                s.points,
                s.possible,
                sum(i.used for i in s.items),
                any(i.late for i in s.items),
                s.schedule.has_exception,
                any(i.fraction is not None for i in s.items),
            )
            for s in scores
        ]
        rows.append(Row(learner, cells, scoring.course_total(scores)))
    return Book(columns, rows)


def _items_book(assessment: Assessment, learners: list[User]) -> Book:
    items = list(assessment.items.prefetch_related("pool__exercise"))
    columns = [
        Column(
            f"{index + 1}. " + " / ".join(entry.exercise.title for entry in item.pool.all()),
            item.points,
        )
        for index, item in enumerate(items)
    ]
    scores = scoring.assessment_scores(assessment, learners)
    taken = {
        s.learner_id: s.minutes_taken
        for s in ExamSitting.objects.filter(assessment=assessment, finished_at__isnull=False)
    }
    rows = []
    for learner in learners:
        score = scores[learner.pk]
        cells = [
            Cell(
                s.points,
                s.item.points,
                s.used,
                s.late,
                score.schedule.has_exception,
                s.fraction is not None,
            )
            for s in score.items
        ]
        rows.append(Row(learner, cells, score.fraction, taken.get(learner.pk)))
    return Book(columns, rows, assessment)


def as_csv(book: Book) -> str:
    """One line per learner: the total in percent, then each column's points (and attempts)."""
    out = io.StringIO()
    writer = csv.writer(out)
    exam = book.assessment is not None and book.assessment.kind == Assessment.Kind.EXAM
    header = ["username", "name", "email", "total %"] + (["minutes taken"] if exam else [])
    for column in book.columns:
        weight = f" (weight {column.weight:g})" if column.weight is not None else ""
        header += [
            f"{column.title} points of {column.possible:g}{weight}",
            f"{column.title} attempts",
        ]
    header.append("exception")
    writer.writerow([safe_cell(h) for h in header])
    for row in book.rows:
        learner = row.learner
        line: list[str | int] = [
            learner.username,
            learner.get_full_name(),
            learner.email,
            percent(row.total),
        ]
        if exam:
            line.append("" if row.minutes_taken is None else f"{row.minutes_taken:.1f}")
        for cell in row.cells:
            line += [f"{cell.points:.2f}" if cell.graded else "", cell.used]
        line.append("yes" if any(c.exception for c in row.cells) else "")
        writer.writerow([safe_cell(v) for v in line])
    return out.getvalue()
