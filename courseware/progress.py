"""A learner's progress: best score per exercise, quiz scores (the mean of their exercises), modules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Max

from courseware.models import Attempt, Exercise, Grading, Module, Quiz, QuizItem, Submission


def best_scores(learner, exercise_ids=None) -> dict[int, float]:
    """{exercise id: best score} over each submission's current grading."""
    gradings = Grading.objects.filter(
        submission__attempt__learner=learner,
        submission__grading=F("id"),
        submission__purpose=Submission.Purpose.ANSWER,
    )
    if exercise_ids is not None:
        gradings = gradings.filter(
            submission__attempt__exercise_version__exercise_id__in=exercise_ids
        )
    rows = gradings.values("submission__attempt__exercise_version__exercise_id").annotate(
        best=Max("score")
    )
    return {row["submission__attempt__exercise_version__exercise_id"]: row["best"] for row in rows}


@dataclass
class QuizProgress:
    quiz: Quiz
    score: float
    attempted: int
    correct: int
    total: int


@dataclass
class ModuleProgress:
    module: Module
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


def progress_over(quiz: Quiz, ids: list[int], scores: dict[int, float]) -> QuizProgress:
    """The quiz's progress over its live exercises `ids`."""
    values = [scores.get(i, 0.0) for i in ids]
    return QuizProgress(
        quiz=quiz,
        score=sum(values) / len(values) if values else 0.0,
        attempted=sum(1 for i in ids if i in scores),
        correct=sum(1 for v in values if v >= 1.0),
        total=len(ids),
    )


def course_progress(learner, scores: dict[int, float] | None = None) -> list[ModuleProgress]:
    """Every module with its quizzes' progress for this learner (`scores`: their best_scores)."""
    scores = best_scores(learner) if scores is None else scores
    live: dict[int, list[int]] = defaultdict(list)  # quiz id -> its live exercises' ids
    items = QuizItem.objects.filter(exercise__retired=False).order_by("quiz", "position")
    for quiz_id, exercise_id in items.values_list("quiz_id", "exercise_id"):
        live[quiz_id].append(exercise_id)
    modules = {module.pk: ModuleProgress(module) for module in Module.objects.order_by("order")}
    for quiz in Quiz.objects.order_by("module__order", "order"):
        modules[quiz.module_id].quizzes.append(progress_over(quiz, live[quiz.pk], scores))
    return list(modules.values())


def last_exercise(learner) -> Exercise | None:
    """The exercise the learner last opened or answered (for "continue where you left off")."""
    attempt = (
        Attempt.objects.filter(learner=learner, exercise_version__exercise__retired=False)
        .select_related("exercise_version__exercise")
        .order_by("-created_at")
        .first()
    )
    submission = (
        Submission.objects.filter(
            attempt__learner=learner, attempt__exercise_version__exercise__retired=False
        )
        .select_related("attempt__exercise_version__exercise")
        .order_by("-created_at")
        .first()
    )
    latest = max(
        (item for item in (attempt, submission) if item is not None),
        key=lambda item: item.created_at,
        default=None,
    )
    if latest is None:
        return None
    return (latest.attempt if isinstance(latest, Submission) else latest).exercise_version.exercise


@dataclass
class Mastery:
    tag: str
    score: float
    exercises: int
    attempted: int


def mastery_by_topic(learner, scores: dict[int, float] | None = None) -> list[Mastery]:
    """For each topic (an exercise tag): the mean best score over the live exercises that carry it."""
    scores = best_scores(learner) if scores is None else scores
    by_tag: dict[str, list[int]] = {}
    tagged = Exercise.objects.filter(retired=False).values_list("pk", "current_version__spec__tags")
    for pk, tags in tagged:
        for tag in tags or []:
            by_tag.setdefault(tag, []).append(pk)
    return [
        Mastery(
            tag,
            sum(scores.get(i, 0.0) for i in ids) / len(ids),
            len(ids),
            sum(1 for i in ids if i in scores),
        )
        for tag, ids in sorted(by_tag.items())
    ]
