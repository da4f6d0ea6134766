"""Scores: the one home of what counts as an attempt and what an item and an assessment are worth.

An item's score is its best (or last, as the assessment says) counted submission, each worth its
grading's score less `penalty_per_wrong_attempt` for every wrong counted submission before it
(never below 0), times the credit of the moment it was made (1 on time, `late_credit` when late).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Q, QuerySet

from courseware.assessments import (
    Phase,
    Schedule,
    course_assessments,
    feedback_released,
    schedule_of,
    schedules_for,
)
from courseware.models import (
    Assessment,
    AssessmentException,
    AssessmentItem,
    Course,
    ExamSitting,
    Exercise,
    Submission,
)
from grader.results import NOT_AN_ATTEMPT
from tangent.prepared import Prepared

NOT_COUNTED = [verdict.value for verdict in NOT_AN_ATTEMPT]
Made = tuple[datetime, float | None]  # a counted submission: when it was made, its score if graded


# The submissions that count as attempts: answers, not cancelled, not unreadable or our error. An
# answer still waiting for its grading counts: it was made. `is_counted` is the same rule in Python.
COUNTED = (
    Q(purpose=Submission.Purpose.ANSWER)
    & ~Q(status=Submission.Status.CANCELLED)
    & ~Q(grading__verdict__in=NOT_COUNTED)
)


def counted(submissions: QuerySet[Submission]) -> QuerySet[Submission]:
    """The submissions that count as attempts (`COUNTED`)."""
    return submissions.filter(COUNTED)


def is_counted(purpose: str, status: str, verdict: str | None) -> bool:
    """The same rule as `COUNTED`, for one submission's purpose, status and current verdict."""
    return (
        purpose == Submission.Purpose.ANSWER
        and status != Submission.Status.CANCELLED
        and verdict not in NOT_COUNTED
    )


def counts_as_attempt(submission: Submission) -> bool:
    grading = submission.grading
    return is_counted(submission.purpose, submission.status, grading.verdict if grading else None)


def attempts_used(learner: User, exercise: Exercise) -> int:
    """Counted submissions on any variant of an exercise (practice: every course, every item)."""
    return counted(
        Submission.objects.filter(
            attempt__learner=learner, attempt__exercise_version__exercise=exercise
        )
    ).count()


def item_attempts_used(learner: User, item: AssessmentItem) -> int:
    """Counted submissions on an assessment item, across all its variants."""
    return counted(
        Submission.objects.filter(attempt__learner=learner, attempt__assessment_item=item)
    ).count()


@dataclass(frozen=True)
class Marked:
    """One graded, counted submission as it counts for the item."""

    created_at: datetime
    raw: float  # the grading's score, 0–1
    penalty: float  # taken off for the wrong submissions before it
    credit: float  # 1 on time, the late credit when late
    value: float  # max(0, raw - penalty) * credit


def mark(
    graded: list[tuple[datetime, float]], schedule: Schedule, penalty_per_wrong: float
) -> list[Marked]:
    """Each (made at, score) of an item's counted, graded submissions, in time order, as it counts."""
    marked = []
    wrong_before = 0
    for made_at, raw in sorted(graded):
        penalty = penalty_per_wrong * wrong_before
        credit = schedule.credit_at(made_at)
        marked.append(Marked(made_at, raw, penalty, credit, max(0.0, raw - penalty) * credit))
        if raw < 1:
            wrong_before += 1
    return marked


def fraction(marked: list[Marked], policy: str) -> float | None:
    """The item's 0–1 score under the policy (best or last); None when nothing was graded."""
    if not marked:
        return None
    if policy == Assessment.ScorePolicy.LAST:
        return marked[-1].value
    return max(m.value for m in marked)


@dataclass
class ItemScore:
    item: AssessmentItem
    fraction: float | None  # None: no graded submission
    used: int  # counted submissions, graded or not
    late: bool  # the counted score came from a late submission

    @property
    def points(self) -> float:
        return (self.fraction or 0.0) * self.item.points


@dataclass(frozen=True)
class AssessmentRow:
    """What the course page shows of a learner's score on an assessment (by content: the page
    keeps the rows it rendered)."""

    slug: str
    title: str
    kind: str
    phase: Phase
    schedule: Schedule
    released: bool
    points: float
    possible: float
    percent: int


@dataclass
class AssessmentScore:
    assessment: Assessment
    schedule: Schedule
    items: list[ItemScore] = field(default_factory=list)
    sitting_running: bool = False  # an exam the learner is still sitting

    @property
    def points(self) -> float:
        return sum(i.points for i in self.items)

    @property
    def possible(self) -> float:
        return sum(i.item.points for i in self.items)

    @property
    def fraction(self) -> float:
        return self.points / self.possible if self.possible else 0.0

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)

    @property
    def phase(self) -> Phase:
        return self.schedule.phase()

    @property
    def released(self) -> bool:
        """May the learner see this score yet (the assessment's feedback policy; never during
        their exam)?"""
        return not self.sitting_running and feedback_released(self.assessment, self.schedule)

    @property
    def row(self) -> AssessmentRow:
        a = self.assessment
        return AssessmentRow(
            a.slug, a.title, a.kind, self.phase, self.schedule, self.released,
            self.points, self.possible, self.percent,
        )  # fmt: skip


def _item_score(
    item: AssessmentItem, made: list[Made], schedule: Schedule, assessment: Assessment
) -> ItemScore:
    graded = [(at, score) for at, score in made if score is not None]
    marked = mark(graded, schedule, assessment.penalty_per_wrong_attempt)
    value = fraction(marked, assessment.score_policy)
    chosen = None
    if marked:
        chosen = (
            marked[-1]
            if assessment.score_policy == Assessment.ScorePolicy.LAST
            else max(marked, key=lambda m: (m.value, -m.created_at.timestamp()))
        )
    return ItemScore(item, value, len(made), bool(chosen and chosen.credit < 1))


def assessment_scores(
    assessment: Assessment, learners: Iterable[User]
) -> dict[int, AssessmentScore]:
    """{learner id: AssessmentScore} for the learners, from one query over their submissions."""
    learners = list(learners)
    items = list(assessment.items.all())
    schedules = schedules_for(assessment, learners)
    made: dict[tuple[int, int], list[Made]] = defaultdict(list)
    rows = counted(
        Submission.objects.filter(
            attempt__assessment_item__assessment=assessment, attempt__learner__in=learners
        )
    ).values_list(
        "attempt__learner_id", "attempt__assessment_item_id", "created_at", "grading__score"
    )
    for learner_id, item_id, created_at, score in rows:
        made[(learner_id, item_id)].append((created_at, score))
    running = set(
        ExamSitting.objects.filter(
            assessment=assessment, learner__in=learners, finished_at__isnull=True
        ).values_list("learner_id", flat=True)
    )
    return {
        learner.pk: AssessmentScore(
            assessment,
            schedules[learner.pk],
            [
                _item_score(item, made[(learner.pk, item.pk)], schedules[learner.pk], assessment)
                for item in items
            ],
            sitting_running=learner.pk in running,
        )
        for learner in learners
    }


_EXCEPTIONS = Prepared(
    lambda course_id, learner_id: AssessmentException.objects.filter(
        assessment__course_id=course_id, learner_id=learner_id
    )
)
_ITEM_ANSWERS = Prepared(
    lambda course_id, learner_id: counted(
        Submission.objects.filter(
            attempt__assessment_item__assessment__course_id=course_id,
            attempt__learner_id=learner_id,
        )
    ).values_list("attempt__assessment_item_id", "created_at", "grading__score")
)
_EXAMS_RUNNING = Prepared(
    lambda course_id, learner_id: ExamSitting.objects.filter(
        assessment__course_id=course_id, learner_id=learner_id, finished_at__isnull=True
    ).values_list("assessment_id", flat=True)
)


def course_scores(course: Course, learner: User) -> list[AssessmentScore]:
    """The learner's score on each of the course's assessments, in order, from three queries (the
    assessments themselves are shared by the course's learners)."""
    assessments = course_assessments(course)
    exceptions = {e.assessment_id: e for e in _EXCEPTIONS(course.pk, learner.pk)}
    made: dict[int, list[Made]] = defaultdict(list)
    for item_id, created_at, score in _ITEM_ANSWERS(course.pk, learner.pk):
        made[item_id].append((created_at, score))
    running = set(_EXAMS_RUNNING(course.pk, learner.pk))
    scores = []
    for assessment, its_items in assessments:
        schedule = schedule_of(assessment, exceptions.get(assessment.pk))
        items = [_item_score(item, made[item.pk], schedule, assessment) for item in its_items]
        scores.append(AssessmentScore(assessment, schedule, items, assessment.pk in running))
    return scores


def assessment_score(assessment: Assessment, learner: User) -> AssessmentScore:
    return assessment_scores(assessment, [learner])[learner.pk]


def item_score(item: AssessmentItem, learner: User) -> ItemScore:
    score = assessment_score(item.assessment, learner)
    return next(s for s in score.items if s.item.pk == item.pk)


def course_total(scores: list[AssessmentScore]) -> float:
    """The weighted mean of a learner's assessment fractions (0–1), by each assessment's weight."""
    weights = sum(s.assessment.weight for s in scores if s.possible)
    if not weights:
        return 0.0
    return sum(s.fraction * s.assessment.weight for s in scores if s.possible) / weights
