"""API: the exercise bank, and variants drawn for a learner."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from api.access import ApiRequest, acting_learner, attempt_course, require_scope, variant_for
from api.parsing import Input, LearnerRef, Seed, Slug
from api.problems import BODY, KEYED, documented
from courseware.access import live_exercise
from courseware.models import Exercise
from courseware.notebook_answers import MEDIA_TYPE, notebook_file
from courseware.rendering import render_markdown
from courseware.variants import definition_of, new_attempt
from lms.models import ApiKey

router = Router(tags=["exercises"])


class ExerciseOut(Schema):
    slug: str
    title: str
    module: str
    kind: str


class ExerciseList(Schema):
    items: list[ExerciseOut]
    next: str | None = None


class PartOut(Schema):
    name: str
    kind: str
    function: str | None = Field(None, description="The function a code part asks for.")


class ExerciseDetail(ExerciseOut):
    version: str
    parts: list[PartOut]
    quizzes: list[str]


class VariantIn(Input):
    learner: LearnerRef | None = None
    seed: Seed | None = None


class VariantOut(Schema):
    exercise: str
    learner: str | None
    attempt: int
    seed: int
    prompt: str


def exercise_or_404(slug: str) -> Exercise:
    exercise = live_exercise(slug)
    if exercise is None:
        raise HttpError(404, f"No exercise {slug!r}.")
    return exercise


def summary(exercise: Exercise) -> dict[str, Any]:
    return {
        "slug": exercise.slug,
        "title": exercise.title,
        "module": exercise.module.slug,
        "kind": "+".join(dict.fromkeys(exercise.version.kinds)),
    }


@router.get("/exercises", response=ExerciseList, openapi_extra=documented(*KEYED))
def list_exercises(request: ApiRequest) -> dict[str, Any]:
    """Every exercise of the bank that is not retired."""
    require_scope(request, ApiKey.Scope.READ)
    exercises = Exercise.objects.filter(retired=False).select_related("module", "current_version")
    return {"items": [summary(e) for e in exercises], "next": None}


@router.get(
    "/exercises/{slug}", response=ExerciseDetail, openapi_extra=documented(*KEYED, 404, 422)
)
def get_exercise(request: ApiRequest, slug: Slug) -> dict[str, Any]:
    """One exercise: its parts and kinds, its version hash, the quizzes it is in."""
    require_scope(request, ApiKey.Scope.READ)
    exercise = exercise_or_404(slug)
    version = exercise.version
    return {
        **summary(exercise),
        "version": version.content_hash,
        "parts": [
            {"name": p["name"], "kind": p["kind"], "function": p["config"].get("function")}
            for p in version.spec["parts"]
        ],
        "quizzes": [q.slug for q in exercise.quizzes.all()],
    }


class NotebookQuery(Input):
    seed: Seed | None = None


NOTEBOOK_RESPONSES = documented(*KEYED, 404, 422)
NOTEBOOK_RESPONSES["responses"][200] = {
    "description": "The notebook, nbformat 4 JSON",
    "content": {MEDIA_TYPE: {"schema": {"type": "object"}}},
}


@router.get("/exercises/{slug}/notebook", openapi_extra=NOTEBOOK_RESPONSES)
def get_notebook(request: ApiRequest, slug: Slug, query: Query[NotebookQuery]) -> HttpResponse:
    """The learner's current variant of a code exercise as a Jupyter notebook (nbformat 4): the
    prompt, the variant's data, the starter code in the cell tagged `tangent-answer`, and its
    visible tests in a cell that runs with NumPy alone. `seed` (a staff key) picks a variant."""
    require_scope(request, ApiKey.Scope.READ)
    exercise = exercise_or_404(slug)
    if query.seed is not None:
        require_scope(request, ApiKey.Scope.STAFF, "Only a staff key may choose a seed.")
    attempt = variant_for(request, acting_learner(request, None), exercise, query.seed)
    return notebook_file(attempt, request.build_absolute_uri("/").rstrip("/"))


@router.post(
    "/exercises/{slug}/variants",
    response={201: VariantOut},
    openapi_extra=documented(*KEYED, *BODY, 404),
)
def draw_variant(request: ApiRequest, slug: Slug, payload: VariantIn) -> Status[dict[str, Any]]:
    """A fresh variant of the exercise for the learner: its seed and rendered prompt (HTML)."""
    require_scope(request, ApiKey.Scope.SUBMIT)
    exercise = exercise_or_404(slug)
    if payload.seed is not None:
        require_scope(request, ApiKey.Scope.STAFF, "Only a staff key may choose a seed.")
    learner = acting_learner(request, payload.learner)
    attempt = new_attempt(learner, exercise, attempt_course(request), seed=payload.seed)
    definition = definition_of(attempt)
    variant = {
        "exercise": exercise.slug,
        "learner": payload.learner,
        "attempt": attempt.pk,
        "seed": attempt.seed,
        "prompt": render_markdown(definition.prompt, attempt.params),
    }
    return Status(201, variant)
