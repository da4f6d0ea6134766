"""API: a course's assessments for its staff (settings, items, per-learner exceptions, grades), and
the assessment an API answer is made in.

Every operation here needs `staff` in force in the course named in the path: a course key of that
course whose owner is its staff, or an operator key. Settings and exceptions are checked by the
same forms as the staff pages (one home for their rules), and every change is in the audit log.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction
from django.http import JsonResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AwareDatetime

from api import learners
from api.access import ApiRequest, require_scope
from api.assessment_answers import Refused
from api.parsing import Input, LearnerRef, Slug
from api.problems import BODY, KEYED, documented
from api.submissions import decode_cursor, encode_cursor
from courseware import assessments, audit, scoring
from courseware.audit import Action
from courseware.models import Assessment, AssessmentException, Attempt, Course, Exercise
from courseware.staff import extensions
from courseware.staff.assessment_forms import AssessmentForm, ExceptionForm, NewAssessmentForm
from courseware.staff.scope import learners_of
from lms.models import ApiKey

router = Router(tags=["assessments"])
MAX_PAGE = 100
Unit = Annotated[float, Field(ge=0, le=1)]
When = AwareDatetime | None


# --- who may reach a course's assessments --------------------------------------------------------


def staff_course(request: ApiRequest, course_slug: str) -> Course:
    """The course in the path, if the request has `staff` in force there (403/404 otherwise)."""
    principal = require_scope(request, ApiKey.Scope.STAFF)
    if principal.course is not None and principal.course.slug != course_slug:
        raise HttpError(403, f"This key acts in course {principal.course.slug!r} only.")
    course = Course.objects.filter(slug=course_slug).first()
    if course is None:
        raise HttpError(404, f"No course {course_slug!r}.")
    return course


def assessment_or_404(course: Course, slug: str) -> Assessment:
    assessment = course.assessments.filter(slug=slug).first()
    if assessment is None:
        raise HttpError(404, f"No assessment {slug!r} in course {course.slug!r}.")
    return assessment


def course_learner(request: ApiRequest, course: Course, ref: str) -> User:
    """A member of the course named by the client's own learner reference, by the user id an
    LMS gave them (LTI `sub`), or by username."""
    principal = request.auth
    learner = learners.learner_for(principal.user, ref, create=False)
    members = get_user_model().objects.filter(memberships__course=course)
    if learner is None:
        learner = members.filter(lti_users__sub=ref).first() or members.filter(username=ref).first()
    elif not members.filter(pk=learner.pk).exists():
        learner = None
    if learner is None:
        raise HttpError(404, f"No learner {ref!r} in course {course.slug!r}.")
    return learner


def learner_name(learner: User, client: User) -> str:
    """How the client knows a learner: its own reference, else the username."""
    return learners.ref_of(learner, client) or learner.username


# --- schemas ---------------------------------------------------------------------------------


class Settings(Input):
    """Schedule and policy; in a PATCH, only the fields sent change."""

    title: str | None = Field(None, min_length=1, max_length=200)
    kind: Assessment.Kind | None = None
    position: int | None = Field(None, ge=0, le=10_000)
    opens_at: When = None
    due_at: When = None
    late_until: When = Field(None, description="Late answers are taken until then.")
    late_credit: Unit | None = Field(None, description="Share of the score a late answer keeps.")
    attempt_limit: int | None = Field(
        None, ge=1, le=10_000, description="Per item; null: unlimited."
    )
    penalty_per_wrong_attempt: Unit | None = None
    score_policy: Assessment.ScorePolicy | None = None
    feedback: Assessment.FeedbackRelease | None = Field(
        None, description="When learners (and the API, and the LMS) see verdicts and scores."
    )
    solutions: Assessment.SolutionRelease | None = None
    hints: bool | None = None
    shuffle: bool | None = None
    weight: float | None = Field(None, ge=0, le=1000)
    time_limit_minutes: int | None = Field(None, ge=1, le=100_000)
    access_code: str | None = Field(None, max_length=100)


class ItemIn(Input):
    exercises: list[Slug] = Field(
        min_length=1, max_length=50, description="One exercise, or a pool (one drawn per learner)."
    )
    points: float = Field(1.0, ge=0, le=1000)


Items = Annotated[list[ItemIn], Field(max_length=200)]


class AssessmentIn(Settings):
    slug: Slug
    title: str = Field(min_length=1, max_length=200)
    items: Items = Field(default_factory=list)


class AssessmentChange(Settings):
    items: Items | None = Field(
        None,
        description="The whole composition, replacing the items, while no learner has started "
        "the assessment (409 after: change points and items on the staff pages).",
    )


class ItemOut(Schema):
    id: int
    position: int
    points: float
    exercises: list[str]


class AssessmentOut(Schema):
    course: str
    slug: str
    title: str
    kind: str
    position: int
    opens_at: datetime | None
    due_at: datetime | None
    late_until: datetime | None
    late_credit: float
    attempt_limit: int | None
    penalty_per_wrong_attempt: float
    score_policy: str
    feedback: str
    solutions: str
    hints: bool
    shuffle: bool
    weight: float
    time_limit_minutes: int | None
    access_code: str
    total_points: float
    items: list[ItemOut]


class AssessmentList(Schema):
    items: list[AssessmentOut]


class ExceptionIn(Input):
    opens_at: When = None
    due_at: When = None
    late_until: When = None
    extra_attempts: int = Field(0, ge=0, le=1000)
    time_multiplier: float = Field(1.0, ge=1, le=10)
    reason: str = Field("", max_length=200)


class ExceptionOut(Schema):
    assessment: str
    learner: str
    opens_at: datetime | None
    due_at: datetime | None
    late_until: datetime | None
    extra_attempts: int
    time_multiplier: float
    reason: str


class ItemGrade(Schema):
    item: int
    points: float
    possible: float
    used: int
    late: bool
    graded: bool


class LearnerGrade(Schema):
    learner: str
    points: float
    possible: float
    percent: int
    released: bool
    exception: bool
    items: list[ItemGrade]


class GradeList(Schema):
    items: list[LearnerGrade]
    next: str | None


class Page(Schema):
    cursor: str | None = Field(
        None, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", description="`next`."
    )
    limit: int = Field(50, ge=1, le=MAX_PAGE)


# --- serialising -----------------------------------------------------------------------------

SETTINGS = list(Settings.model_fields)


def serialise(assessment: Assessment) -> dict[str, Any]:
    items = list(assessment.items.prefetch_related("pool__exercise"))
    data = {name: getattr(assessment, name) for name in SETTINGS}
    data.update(
        course=assessment.course.slug,
        slug=assessment.slug,
        total_points=sum(item.points for item in items),
        items=[
            {
                "id": item.pk,
                "position": item.position,
                "points": item.points,
                "exercises": [entry.exercise.slug for entry in item.pool.all()],
            }
            for item in items
        ],
    )
    return data


def serialise_exception(exception: AssessmentException, client: User) -> dict[str, Any]:
    return {
        "assessment": exception.assessment.slug,
        "learner": learner_name(exception.learner, client),
        **{name: getattr(exception, name) for name in AssessmentException.GRANTS},
    }


# --- checking settings with the staff pages' forms -------------------------------------------

# The forms type credits and penalties in percent; the API in shares (0 to 1).
PERCENT_FIELDS = {
    "late_credit": "late_credit_percent",
    "penalty_per_wrong_attempt": "penalty_percent",
}


def form_errors(form: forms.BaseForm) -> dict[str, list[str]]:
    """A form's errors by the API's field names (the form's own are mapped back)."""
    by_api_name = {form_name: name for name, form_name in PERCENT_FIELDS.items()}
    return {
        by_api_name.get(field, "body" if field == "__all__" else field): [str(m) for m in messages]
        for field, messages in form.errors.items()
    }


def settings_form(assessment: Assessment, changes: dict[str, Any]) -> AssessmentForm:
    """The staff pages' settings form holding the assessment's settings with `changes` applied;
    valid, or Refused naming the fields at fault."""
    current = {name: getattr(assessment, name) for name in SETTINGS}
    merged = {**current, **changes}
    data = {name: merged[name] for name in AssessmentForm.Meta.fields}
    for name, form_name in PERCENT_FIELDS.items():
        data[form_name] = None if merged[name] is None else merged[name] * 100
    data = {name: ("" if value is None else value) for name, value in data.items()}
    form = AssessmentForm(data, instance=assessment)
    if not form.is_valid():
        raise Refused(form_errors(form))
    return form


def jsonable(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in changes.items()}


def exercises_of(items: list[ItemIn]) -> list[list[Exercise]]:
    """The exercises of each item, or Refused naming the unknown or retired ones."""
    slugs = {slug for item in items for slug in item.exercises}
    live = {e.slug: e for e in Exercise.objects.filter(slug__in=slugs, retired=False)}
    errors = {}
    for index, item in enumerate(items):
        unknown = [slug for slug in item.exercises if slug not in live]
        if unknown:
            errors[f"items.{index}.exercises"] = [
                f"no live exercise {slug!r} in the bank" for slug in unknown
            ]
    if errors:
        raise Refused(errors)
    return [[live[slug] for slug in item.exercises] for item in items]


# --- operations ------------------------------------------------------------------------------

STAFF = documented(*KEYED, 404, 422)
STAFF_BODY = documented(*KEYED, *BODY, 404)


@router.get("/courses/{course}/assessments", response=AssessmentList, openapi_extra=STAFF)
def list_assessments(request: ApiRequest, course: Slug) -> dict[str, Any]:
    """The course's assessments, in the order learners see them, with their items."""
    where = staff_course(request, course)
    return {"items": [serialise(a) for a in where.assessments.select_related("course")]}


@router.post(
    "/courses/{course}/assessments",
    response={201: AssessmentOut},
    openapi_extra=documented(*KEYED, *BODY, 404),
)
def create_assessment(
    request: ApiRequest, course: Slug, payload: AssessmentIn
) -> Status[dict[str, Any]] | JsonResponse:
    """A new assessment with its settings and items (each one exercise, or a pool of several)."""
    where = staff_course(request, course)
    principal = request.auth
    try:
        new = NewAssessmentForm(
            {"title": payload.title, "slug": payload.slug, "kind": payload.kind or "homework"},
            course=where,
        )
        if not new.is_valid():
            raise Refused(form_errors(new))
        assessment = new.save(commit=False)
        assessment.course = where
        assessment.position = where.assessments.count()
        sent = payload.model_dump(exclude_unset=True, exclude={"slug", "items"})
        form = settings_form(assessment, sent)
        groups = exercises_of(payload.items)
    except Refused as refused:
        return refused.response()
    with transaction.atomic():
        apply(form, sent)
        for group, item in zip(groups, payload.items, strict=True):
            assessments.add_item(assessment, group, item.points)
        audit.record(
            where,
            principal.user,
            Action.ASSESSMENT_CHANGED,
            assessment=assessment,
            created=True,
            items=[[e.slug for e in group] for group in groups],
            **jsonable(sent),
        )
    return Status(201, serialise(assessment))


def apply(form: AssessmentForm, sent: dict[str, Any]) -> Assessment:
    """Save a valid settings form, with the shares the API was sent as they were sent."""
    assessment = form.save(commit=False)
    for name in PERCENT_FIELDS:
        if name in sent:
            setattr(assessment, name, sent[name])
    assessment.save()
    return assessment


@router.get("/courses/{course}/assessments/{slug}", response=AssessmentOut, openapi_extra=STAFF)
def get_assessment(request: ApiRequest, course: Slug, slug: Slug) -> dict[str, Any]:
    """One assessment: settings, items (with their pools) and total points."""
    return serialise(assessment_or_404(staff_course(request, course), slug))


@router.patch(
    "/courses/{course}/assessments/{slug}",
    response=AssessmentOut,
    openapi_extra=documented(*KEYED, *BODY, 404, 409),
)
def change_assessment(
    request: ApiRequest, course: Slug, slug: Slug, payload: AssessmentChange
) -> dict[str, Any] | JsonResponse:
    """Change settings (only the fields sent) and, before anyone has started it, replace its
    items; the change is in the course's audit log."""
    where = staff_course(request, course)
    assessment = assessment_or_404(where, slug)
    sent = payload.model_dump(exclude_unset=True, exclude={"items"})
    changed = {k: v for k, v in sent.items() if getattr(assessment, k) != v}
    try:
        form = settings_form(assessment, sent)
        items = (
            None
            if payload.items is None
            else list(zip(exercises_of(payload.items), payload.items, strict=True))
        )
    except Refused as refused:
        return refused.response()
    if items is not None and started(assessment):
        raise HttpError(
            409,
            f"Learners have started “{assessment.title}”: its items can no longer be replaced "
            "(change points, add or remove unanswered items on the staff pages).",
        )
    with transaction.atomic():
        apply(form, sent)
        if changed:
            audit.record(
                where,
                request.auth.user,
                Action.ASSESSMENT_CHANGED,
                assessment=assessment,
                **jsonable(changed),
            )
        if items is not None:
            assessment.items.all().delete()
            for group, item in items:
                assessments.add_item(assessment, group, item.points)
            audit.record(
                where,
                request.auth.user,
                Action.ITEMS_CHANGED,
                assessment=assessment,
                replaced=[
                    {"exercises": [e.slug for e in group], "points": item.points}
                    for group, item in items
                ],
            )
    return serialise(assessment)


def started(assessment: Assessment) -> bool:
    """Has any learner been given a variant of one of its items?"""
    return Attempt.objects.filter(assessment_item__assessment=assessment).exists()


@router.delete(
    "/courses/{course}/assessments/{slug}",
    response={204: None},
    openapi_extra=documented(*KEYED, 404, 409, 422),
)
def delete_assessment(request: ApiRequest, course: Slug, slug: Slug) -> Status[None]:
    """Delete an assessment no learner has started (409 once one has: their work stays)."""
    where = staff_course(request, course)
    assessment = assessment_or_404(where, slug)
    if started(assessment):
        raise HttpError(
            409,
            f"Learners have started “{assessment.title}”: it cannot be deleted. Change its dates "
            "instead.",
        )
    with transaction.atomic():
        audit.record(where, request.auth.user, Action.ASSESSMENT_CHANGED, slug=slug, deleted=True)
        assessment.delete()
    return Status(204, None)


@router.put(
    "/courses/{course}/assessments/{slug}/exceptions/{learner}",
    response={200: ExceptionOut, 201: ExceptionOut},
    openapi_extra=STAFF_BODY,
)
def set_exception(
    request: ApiRequest, course: Slug, slug: Slug, learner: LearnerRef, payload: ExceptionIn
) -> Status[dict[str, Any]] | JsonResponse:
    """Set (or replace) one learner's exception: own dates, extra attempts, extra time. The
    learner is your own learner reference, the user id their LMS gave them (LTI `sub`), or the
    username of a member of the course."""
    where = staff_course(request, course)
    assessment = assessment_or_404(where, slug)
    person = course_learner(request, where, learner)
    fields = payload.model_dump()
    form = ExceptionForm(
        {"learner": person.pk, **{k: ("" if v is None else v) for k, v in fields.items()}},
        learners=get_user_model().objects.filter(pk=person.pk),
        assessment=assessment,
    )
    if not form.is_valid():
        return Refused(form_errors(form)).response()
    existed = AssessmentException.objects.filter(assessment=assessment, learner=person).exists()
    exception = extensions.grant(assessment, request.auth.user, person, **fields)
    return Status(200 if existed else 201, serialise_exception(exception, request.auth.user))


@router.delete(
    "/courses/{course}/assessments/{slug}/exceptions/{learner}",
    response={204: None},
    openapi_extra=STAFF,
)
def remove_exception(
    request: ApiRequest, course: Slug, slug: Slug, learner: LearnerRef
) -> Status[None]:
    """Remove a learner's exception: the assessment's own schedule applies to them again."""
    where = staff_course(request, course)
    assessment = assessment_or_404(where, slug)
    person = course_learner(request, where, learner)
    exception = AssessmentException.objects.filter(assessment=assessment, learner=person).first()
    if exception is None:
        raise HttpError(404, f"{learner!r} has no exception on {slug!r}.")
    extensions.revoke(exception, request.auth.user)
    return Status(204, None)


@router.get("/courses/{course}/assessments/{slug}/grades", response=GradeList, openapi_extra=STAFF)
def assessment_grades(
    request: ApiRequest, course: Slug, slug: Slug, page: Query[Page]
) -> dict[str, Any]:
    """Each learner's points on the assessment and its items (attempts, late credit and
    penalties applied), whether the learner may see them yet; page with `next`."""
    where = staff_course(request, course)
    assessment = assessment_or_404(where, slug)
    people = learners_of(where).order_by("pk")
    if page.cursor:
        people = people.filter(pk__gt=decode_cursor(page.cursor))
    chosen = list(people[: page.limit + 1])
    more = len(chosen) > page.limit
    chosen = chosen[: page.limit]
    scores = scoring.assessment_scores(assessment, chosen)
    client = request.auth.user
    return {
        "items": [
            {
                "learner": learner_name(person, client),
                "points": scores[person.pk].points,
                "possible": scores[person.pk].possible,
                "percent": scores[person.pk].percent,
                "released": scores[person.pk].released,
                "exception": scores[person.pk].schedule.has_exception,
                "items": [
                    {
                        "item": s.item.pk,
                        "points": s.points,
                        "possible": s.item.points,
                        "used": s.used,
                        "late": s.late,
                        "graded": s.fraction is not None,
                    }
                    for s in scores[person.pk].items
                ],
            }
            for person in chosen
        ],
        "next": encode_cursor(chosen[-1].pk) if more else None,
    }
