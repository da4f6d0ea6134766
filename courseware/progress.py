"""A learner's progress: best score per exercise, quiz scores (the mean of their exercises), modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db.models import F, Max, QuerySet
from django.db.models.functions import Coalesce, Greatest

from courseware import catalogue
from courseware.catalogue import ModuleOutline, QuizOutline
from courseware.models import Attempt, Grading, Quiz, Submission
from grader.results import has_full_marks
from tangent.prepared import Prepared

EXERCISE = "submission__attempt__exercise_version__exercise_id"


def _best_gradings(learner_id: int, exercise_id: int | None) -> QuerySet[Grading, dict[str, Any]]:
    gradings = Grading.objects.filter(
        submission__attempt__learner_id=learner_id,
        submission__grading=F("id"),
        submission__purpose=Submission.Purpose.ANSWER,
    )
    if exercise_id is not None:
        gradings = gradings.filter(submission__attempt__exercise_version__exercise_id=exercise_id)
    best: QuerySet[Grading, dict[str, Any]] = gradings.values(EXERCISE).annotate(best=Max("score"))
    return best


_BEST_GRADINGS = Prepared(_best_gradings)


def best_scores(learner: User | int, exercise_id: int | None = None) -> dict[int, float]:
    """{exercise id: best score} over each submission's current grading, of every exercise or of
    one."""
    rows = _BEST_GRADINGS(learner if isinstance(learner, int) else learner.pk, exercise_id)
    return {row[EXERCISE]: row["best"] for row in rows}


class Scored:
    """A 0–1 `score` (a subclass's field, or a property computing it), shown as a whole
    percentage."""

    if TYPE_CHECKING:

        @property
        def score(self) -> float: ...

    @property
    def percent(self) -> int:
        return round(self.score * 100)


@dataclass
class QuizProgress(Scored):
    quiz: Quiz | QuizOutline
    score: float
    attempted: int
    correct: int
    total: int


@dataclass
class ModuleProgress(Scored):
    module: ModuleOutline
    quizzes: list[QuizProgress] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(q.score for q in self.quizzes) / len(self.quizzes) if self.quizzes else 0.0

    @property
    def attempted(self) -> int:
        return sum(q.attempted for q in self.quizzes)

    @property
    def total(self) -> int:
        return sum(q.total for q in self.quizzes)


def quiz_progress(quiz: Quiz, scores: dict[int, float]) -> QuizProgress:
    ids = [item.exercise_id for item in quiz.items.all() if not item.exercise.retired]
    return progress_over(quiz, ids, scores)


def progress_over(
    quiz: Quiz | QuizOutline, ids: list[int], scores: dict[int, float]
) -> QuizProgress:
    """The quiz's progress over its live exercises `ids`."""
    values = [scores.get(i, 0.0) for i in ids]
    return QuizProgress(
        quiz=quiz,
        score=sum(values) / len(values) if values else 0.0,
        attempted=sum(1 for i in ids if i in scores),
        correct=sum(1 for v in values if has_full_marks(v)),
        total=len(ids),
    )


def course_progress(learner: User, scores: dict[int, float] | None = None) -> list[ModuleProgress]:
    """Every module with its quizzes' progress for this learner (`scores`: their best_scores)."""
    scores = best_scores(learner) if scores is None else scores
    return [
        ModuleProgress(
            module, [progress_over(quiz, quiz.exercise_ids, scores) for quiz in module.quizzes]
        )
        for module in catalogue.outline().modules
    ]


_LAST_ATTEMPT = Prepared(
    lambda learner_id: (
        Attempt.objects.filter(learner_id=learner_id, exercise_version__exercise__retired=False)
        .annotate(
            active=Greatest("created_at", Coalesce(Max("submissions__created_at"), "created_at"))
        )
        .select_related("exercise_version__exercise", "assessment_item__assessment")
        .order_by("-active")[:1]
    )
)


def last_attempt(learner: User) -> Attempt | None:
    """The variant the learner last opened or answered (for "continue where you left off"): of a
    practice exercise, or of an assessment item."""
    return _LAST_ATTEMPT.first(learner.pk)


@dataclass(frozen=True)
class Mastery(Scored):
    topic: str  # its name, as learners read it
    depth: int  # 0 for a topic without a parent
    score: float
    exercises: int
    attempted: int


@dataclass
class ModuleMastery:
    module: str  # the module's title
    topics: list[Mastery]


def mastery_by_topic(learner: User, scores: dict[int, float] | None = None) -> list[ModuleMastery]:
    """For each topic of the taxonomy, grouped by module: the mean best score over the live
    exercises it covers (its own and those of the topics under it)."""
    scores = best_scores(learner) if scores is None else scores
    found = catalogue.outline()
    grouped = {module.id: ModuleMastery(module.title, []) for module in found.modules}
    for topic in found.topics:
        ids = topic.exercise_ids
        grouped[topic.module_id].topics.append(
            Mastery(
                topic.name,
                topic.depth,
                sum(scores.get(i, 0.0) for i in ids) / len(ids),
                len(ids),
                sum(1 for i in ids if i in scores),
            )
        )
    return [group for group in grouped.values() if group.topics]
