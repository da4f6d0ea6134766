"""Regrading an exercise's submissions through the worker, as new append-only gradings.

Each chosen submission gets a new grading round (its round number goes up by one, it is
queued again, any lease is dropped) and the worker commits exactly one Grading for that round;
the previous grading stays. Score changes reach the outbox through pipeline.record, which compares
the learner's best score before and after (a lowered best score is a change too).

Which version grades: with `use_current_version` (the default, "the exercise was fixed"), an
attempt drawn on an older version is moved onto the exercise's current version, keeping its seed
and parameters, when that version draws parameters with the same names; otherwise (or when asked)
the attempt keeps the version it was drawn on. The worker grades against the attempt's version and
records it on the new Grading (Grading.exercise_version), so every grading says what it used.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from courseware import audit
from courseware.audit import Action
from courseware.grading import transitions
from courseware.models import Attempt, Course, Exercise, ExerciseVersion, Grading, Submission
from courseware.staff.scope import submissions_in
from grader.params import draw_params
from tangent import redis_client

MAX_REGRADE = 5000


@dataclass
class RegradeFilter:
    """Which submissions to regrade: all, or those with one verdict, or graded under one version."""

    verdict: str = ""
    version: int | None = None
    below_full_marks: bool = False


@dataclass
class RegradeReport:
    queued: list[int] = field(default_factory=list)
    skipped: int = 0  # still being graded, or cancelled
    moved_attempts: int = 0  # attempts moved onto the current version
    kept_version: int = 0  # attempts whose parameters do not fit the current version


# A regrade of many submissions runs as a Celery task, BATCH at a time; its progress is kept in
# Redis for the regrade page (one job per course and exercise at a time, kept for a day).
BATCH = 100
JOB_SECONDS = 24 * 3600


@dataclass
class RegradeJob:
    total: int
    done: int
    queued: int
    skipped: int
    kept_version: int
    finished: bool

    @property
    def running(self) -> bool:
        return not self.finished


def _job_key(course_id: int, exercise_id: int) -> str:
    return redis_client.key(f"regrade:{course_id}:{exercise_id}")


def start(course: Course, exercise: Exercise, ids: list[int], use_current_version: bool) -> None:
    """Regrade these submissions in the background (the `grading` queue), from the commit on."""
    from courseware.tasks import regrade_submissions

    key = _job_key(course.pk, exercise.pk)
    pipe = redis_client.client().pipeline()
    pipe.delete(key)
    pipe.hset(
        key,
        mapping={
            "total": len(ids),
            "done": 0,
            "queued": 0,
            "skipped": 0,
            "kept_version": 0,
            "finished": 0,
        },
    )
    pipe.expire(key, JOB_SECONDS)
    pipe.execute()
    transaction.on_commit(
        lambda: regrade_submissions.delay(course.pk, exercise.pk, ids, use_current_version)
    )


def regrade_matching(
    course: Course,
    exercise: Exercise,
    choice: RegradeFilter,
    actor: User,
    *,
    use_current_version: bool,
) -> int:
    """Regrade in the background the course's submissions matching the filter (MAX_REGRADE at
    most), written to the audit log; returns how many."""
    ids = list(regradable(course, exercise, choice).values_list("pk", flat=True)[:MAX_REGRADE])
    start(course, exercise, ids, use_current_version=use_current_version)
    audit.record(
        course,
        actor,
        Action.REGRADE,
        exercise=exercise.slug,
        submissions=len(ids),
        filter={"verdict": choice.verdict, "version": choice.version},
        version="current" if use_current_version else "original",
    )
    return len(ids)


def run(course_id: int, exercise_id: int, ids: list[int], use_current_version: bool) -> None:
    """The background regrade: BATCH submissions at a time, its progress counted as it goes."""
    key = _job_key(course_id, exercise_id)
    for first in range(0, len(ids), BATCH):
        chunk = ids[first : first + BATCH]
        report = regrade(Submission.objects.filter(pk__in=chunk).order_by("-created_at"),
                         use_current_version=use_current_version)  # fmt: skip
        pipe = redis_client.client().pipeline()
        pipe.hincrby(key, "done", len(chunk))
        pipe.hincrby(key, "queued", len(report.queued))
        pipe.hincrby(key, "skipped", report.skipped)
        pipe.hincrby(key, "kept_version", report.kept_version)
        pipe.execute()
    redis_client.client().hset(key, "finished", 1)


def job(course: Course, exercise: Exercise) -> RegradeJob | None:
    """The course's latest background regrade of the exercise, if one ran in the last day."""
    fields = redis_client.client().hgetall(_job_key(course.pk, exercise.pk))
    if not fields:
        return None
    values = {redis_client.text(k): int(v) for k, v in fields.items()}
    return RegradeJob(
        total=values["total"],
        done=values["done"],
        queued=values["queued"],
        skipped=values["skipped"],
        kept_version=values["kept_version"],
        finished=bool(values["finished"]),
    )


def regradable(course: Course, exercise: Exercise, choice: RegradeFilter) -> QuerySet[Submission]:
    """The course's submissions on the exercise that match the filter (newest first).

    A submission whose current grade was given by staff is left out: a regrade never silently
    replaces a person's decision.
    """
    submissions = submissions_in(course).filter(
        attempt__exercise_version__exercise=exercise, grading__graded_by__isnull=True
    )
    if choice.verdict:
        submissions = submissions.filter(grading__verdict=choice.verdict)
    if choice.version is not None:
        submissions = submissions.filter(grading__exercise_version__number=choice.version)
    if choice.below_full_marks:
        submissions = submissions.filter(grading__score__lt=1.0)
    return submissions.order_by("-created_at")


def fits(attempt: Attempt, version: ExerciseVersion) -> bool:
    """Whether the version draws parameters with the same names as the attempt's."""
    spec = version.spec
    drawn = draw_params(spec.get("params", {}), attempt.seed, spec.get("redraw_if"))
    return set(drawn) == set(attempt.params)


def regrade(
    submissions: Iterable[Submission], *, use_current_version: bool = True
) -> RegradeReport:
    """Queue a new grading round for each submission (see the module docstring); one still
    being graded, or cancelled, is skipped (courseware.grading.transitions.regrade)."""
    report = RegradeReport()
    moved: dict[int, bool | None] = {}

    def onto_current_version(submission: Submission) -> None:
        attempt = submission.attempt
        if attempt.pk not in moved:
            moved[attempt.pk] = move_to_current_version(attempt)
            report.moved_attempts += moved[attempt.pk] is True
            report.kept_version += moved[attempt.pk] is False

    prepare = onto_current_version if use_current_version else None
    for submission_id in [s.pk for s in submissions][:MAX_REGRADE]:
        try:
            transitions.regrade(submission_id, prepare=prepare)
        except transitions.Refused:
            report.skipped += 1
        else:
            report.queued.append(submission_id)
    return report


def move_to_current_version(attempt: Attempt) -> bool | None:
    """Put the attempt on its exercise's current version if its parameters fit.

    True if moved, False if they do not fit, None if it is already there.
    """
    current = attempt.exercise_version.exercise.current_version
    if current is None or current.pk == attempt.exercise_version_id:
        return None
    if not fits(attempt, current):
        return False
    Attempt.objects.filter(pk=attempt.pk).update(exercise_version=current)
    attempt.exercise_version = current
    return True


@dataclass
class Change:
    """One regraded submission: its grading before the latest round and the one after."""

    submission: Submission
    before: Grading | None
    after: Grading | None  # None while the worker has not committed it

    @property
    def changed(self) -> bool:
        return (
            self.after is not None
            and self.before is not None
            and abs(self.after.score - self.before.score) > 1e-9
        )

    @property
    def pending(self) -> bool:
        return self.after is None


def regrade_results(course: Course, exercise: Exercise, limit: int = 500) -> list[Change]:
    """The latest regrade of each regraded submission (round > 1), newest first."""
    submissions = list(
        submissions_in(course)
        .filter(attempt__exercise_version__exercise=exercise, grading_round__gt=1)
        .select_related("attempt__learner")
        .order_by("-updated_at")[:limit]
    )
    gradings: dict[int, dict[int, Grading]] = {}
    rows = Grading.objects.filter(submission__in=submissions).select_related(
        "exercise_version", "graded_by"
    )
    for grading in rows:
        gradings.setdefault(grading.submission_id, {})[grading.grading_round] = grading
    changes = []
    for submission in submissions:
        mine = gradings.get(submission.pk, {})
        after = mine.get(submission.grading_round)
        earlier = [r for r in mine if r < submission.grading_round]
        before = mine[max(earlier)] if earlier else None
        changes.append(Change(submission, before, after))
    return changes
