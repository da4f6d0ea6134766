"""API: a learner's progress (best score per exercise, quiz and module scores)."""

from __future__ import annotations

from typing import Any

from ninja import Router, Schema

from api.access import ApiRequest, acting_learner, require_scope
from api.parsing import LearnerRef
from api.problems import KEYED, documented
from courseware.models import Exercise
from courseware.progress import best_scores, course_progress
from lms.models import ApiKey

router = Router(tags=["learners"])


class QuizScore(Schema):
    slug: str
    title: str
    score: float
    attempted: int
    correct: int
    total: int


class ModuleScore(Schema):
    slug: str
    title: str
    score: float
    quizzes: list[QuizScore]


class ProgressOut(Schema):
    learner: str
    exercises: dict[str, float]
    modules: list[ModuleScore]


@router.get(
    "/learners/{ref}/progress", response=ProgressOut, openapi_extra=documented(*KEYED, 404, 422)
)
def learner_progress(request: ApiRequest, ref: LearnerRef) -> dict[str, Any]:
    """Progress of one of the client's learners (`me` for the key's own user); a course key's
    learners are those of its course."""
    require_scope(request, ApiKey.Scope.READ)
    learner = acting_learner(request, ref, create=False)
    scores = best_scores(learner)
    slugs = dict(Exercise.objects.filter(pk__in=scores).values_list("pk", "slug"))
    return {
        "learner": ref,
        "exercises": {slugs[pk]: score for pk, score in scores.items()},
        "modules": [
            {
                "slug": module.module.slug,
                "title": module.module.title,
                "score": module.score,
                "quizzes": [
                    {
                        "slug": q.quiz.slug,
                        "title": q.quiz.title,
                        "score": q.score,
                        "attempted": q.attempted,
                        "correct": q.correct,
                        "total": q.total,
                    }
                    for q in module.quizzes
                ],
            }
            for module in course_progress(learner)
        ],
    }
