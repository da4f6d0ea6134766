"""Courses, the bank's modules/quizzes/exercises and their versions, attempts, submissions, gradings."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.utils import timezone

from grader.sandpit.game import ENDED
from grader.sandpit.game import Status as GameStatus


class Course(models.Model):
    """An offering of the course: local, or one LTI context."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    open_enrolment = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.title


class Membership(models.Model):
    class Role(models.TextChoices):
        LEARNER = "learner"
        STAFF = "staff"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.LEARNER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="one_membership_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course} ({self.role})"


class Module(models.Model):
    """One of the six modules of the syllabus, from the bank's `_module.yaml`."""

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField()
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.title


class Topic(models.Model):
    """A topic of the course (exercises/topics.yaml): the tags exercises carry, named for learners."""

    slug = models.SlugField(max_length=100, unique=True)
    name = models.CharField(max_length=200)
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="topics")
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["module__order", "order"]

    def __str__(self) -> str:
        return self.name


class Exercise(models.Model):
    """An exercise of the bank; retired, never deleted (its versions are referenced by attempts)."""

    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="exercises")
    current_version = models.ForeignKey(
        "ExerciseVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    retired = models.BooleanField(default=False)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug

    @property
    def version(self) -> ExerciseVersion:
        """The current version, which every exercise has once made (the bank's loader and the
        authoring form set it when they make the exercise)."""
        if self.current_version is None:
            raise ExerciseVersion.DoesNotExist(f"Exercise {self.slug} has no version.")
        return self.current_version


class ExerciseVersion(models.Model):
    """The spec of an exercise as loaded, identified by a hash of its files."""

    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    content_hash = models.CharField(max_length=64)
    spec = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["exercise", "number"]
        constraints = [
            models.UniqueConstraint(fields=["exercise", "number"], name="version_number_unique"),
            models.UniqueConstraint(
                fields=["exercise", "content_hash"], name="version_hash_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exercise.slug} v{self.number}"

    @property
    def kinds(self) -> list[str]:
        return [part["kind"] for part in self.spec["parts"]]


class Quiz(models.Model):
    """A quiz of the bank inside a module: an ordered list of exercises, rewritten by every load.

    Practice pages show it; a new course's assessments are copied from it (the template).
    """

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="quizzes")
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    attempt_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Graded attempts allowed per exercise; empty means unlimited.",
    )
    exercises = models.ManyToManyField(Exercise, through="QuizItem", related_name="quizzes")

    class Meta:
        ordering = ["module__order", "order"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.opens_at is None or self.opens_at <= now

    def is_past_due(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.due_at is not None and now > self.due_at


class QuizItem(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="quiz_items")
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "exercise"], name="exercise_once_per_quiz")
        ]


class Attempt(models.Model):
    """One variant of an exercise for one learner: the seed and the parameters drawn from it."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts"
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, null=True, blank=True, related_name="attempts"
    )
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.PROTECT, related_name="attempts"
    )
    number = models.PositiveIntegerField(
        help_text="1 for the learner's first variant of the exercise."
    )
    seed = models.BigIntegerField()
    params = models.JSONField()
    assessment_item = models.ForeignKey(
        "AssessmentItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempts",
        help_text="The assessment item this variant was drawn for; empty for practice.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["learner", "exercise_version"])]

    def __str__(self) -> str:
        return f"{self.learner} · {self.exercise_version} · #{self.number}"

    @property
    def exercise(self) -> Exercise:
        return self.exercise_version.exercise


class Submission(models.Model):
    """An answer to an attempt. A database row before anything else happens; graded by the worker."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        GRADED = "graded"
        FAILED = "failed"
        CANCELLED = "cancelled"

    # The round's grading is committed (the grading pipeline marks it so in the same transaction).
    FINISHED = (Status.GRADED, Status.FAILED)

    class Purpose(models.TextChoices):
        ANSWER = "answer"
        EXAMPLES = "examples", "run the visible examples (not an attempt)"

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="submissions")
    answer = models.JSONField()
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.ANSWER)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The grading round being served: a regrade starts a new one. One Grading row per round.
    grading_round = models.PositiveIntegerField(default=1)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    deliveries = models.PositiveIntegerField(
        default=0, help_text="Times a worker started grading it."
    )
    grader_errors = models.PositiveIntegerField(default=0)
    failure_reason = models.TextField(blank=True)
    grading = models.ForeignKey(
        "Grading",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The latest committed grading.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return f"submission {self.pk} ({self.status})"

    @property
    def learner(self) -> User:
        return self.attempt.learner

    @property
    def uploaded_notebook(self) -> NotebookUpload | None:
        """The notebook the answer's code was taken from, if it came in one. Only an exercise
        with a code part takes notebooks (courseware.notebook_answers), so the answers to any
        other are not looked up."""
        if "code" not in self.attempt.exercise_version.kinds:
            return None
        try:
            return self.notebook
        except NotebookUpload.DoesNotExist:
            return None


class NotebookUpload(models.Model):
    """The notebook a submission's code was taken from (outputs dropped), and which cells."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="notebook")
    notebook = models.JSONField(help_text="The uploaded notebook, its outputs dropped.")
    cells = models.JSONField(default=list, help_text="The graded cells, counted from 1.")
    note = models.TextField(help_text="Which cells were graded and how they were found.")

    def __str__(self) -> str:
        return f"Notebook of submission {self.submission_id}"


class Grading(models.Model):
    """One grading of a submission: append-only, regrades add rows."""

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="gradings")
    grading_round = models.PositiveIntegerField()
    exercise_version = models.ForeignKey(
        ExerciseVersion, on_delete=models.PROTECT, related_name="gradings"
    )
    grader_version = models.CharField(max_length=40)
    status = models.CharField(max_length=10, choices=Submission.Status.choices)
    verdict = models.CharField(max_length=20)
    score = models.FloatField()
    feedback = models.JSONField(default=list)
    # The mistake rules that fired, "part:rule" joined by commas (as many as the exercise has parts).
    rule = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="Empty for the engine; the staff member for a manual override.",
    )
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-finished_at"]
        constraints = [
            # Exactly once: whatever the broker redelivers, one grading per round.
            models.UniqueConstraint(
                fields=["submission", "grading_round"], name="one_grading_per_round"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=0, score__lte=1), name="score_in_unit_range"
            ),
        ]

    def __str__(self) -> str:
        return f"grading of {self.submission_id}: {self.verdict} {self.score:.2f}"

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


class OutboxEvent(models.Model):
    """A change to report outside (a learner's score changed): LMS passback and webhooks deliver from here."""

    kind = models.CharField(max_length=40)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]


class SandpitGame(models.Model):
    """One round on one interactive part of an attempt: the probes in order, with timestamps."""

    attempt = models.ForeignKey(
        "courseware.Attempt", on_delete=models.CASCADE, related_name="sandpit_games"
    )
    part = models.CharField(max_length=100)
    # [{"x", "y", "depth", "at"}, ...]: what the learner saw, and when (epoch seconds)
    probes = models.JSONField(default=list)
    status = models.CharField(
        max_length=10, choices=[(s.value, s.value) for s in GameStatus], default="playing"
    )
    submission = models.ForeignKey(
        "courseware.Submission", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "part"], name="one_sandpit_game_per_part")
        ]

    def __str__(self) -> str:
        return f"sandpit {self.part} of attempt {self.attempt_id}: {len(self.probes)} probes"

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def points(self) -> list[list[float]]:
        return [[p["x"], p["y"]] for p in self.probes]


class AuthoredExercise(models.Model):
    """A declarative exercise written in the admin: the bank's YAML format, no Python files."""

    module = models.ForeignKey(Module, on_delete=models.PROTECT, related_name="authored_exercises")
    source = models.TextField(
        help_text="The exercise in the bank's YAML format (see exercises/README.md)."
    )
    exercise = models.OneToOneField(
        Exercise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="authored",
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.exercise.slug if self.exercise else "new exercise"


class Assessment(models.Model):
    """A course's homework or exam: items with points, a schedule and a release policy.

    A new course gets a copy of each of the bank's quizzes (`source_quiz`); from then on it belongs
    to the course, and reloading the bank leaves it alone.
    """

    class Kind(models.TextChoices):
        HOMEWORK = "homework"
        EXAM = "exam"

    class ScorePolicy(models.TextChoices):
        BEST = "best", "best counted submission"
        LAST = "last", "last counted submission"

    class FeedbackRelease(models.TextChoices):
        IMMEDIATE = "immediate"
        AFTER_DUE = "after_due", "after the due date"
        NEVER = "never"

    class SolutionRelease(models.TextChoices):
        AFTER_SOLVED = "after_solved", "once solved"
        AFTER_DUE = "after_due", "after the due date"
        NEVER = "never"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="assessments")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.HOMEWORK)
    position = models.PositiveIntegerField(default=0)
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late_until = models.DateTimeField(
        null=True, blank=True, help_text="Answers are taken until then, with late credit."
    )
    late_credit = models.FloatField(
        default=1.0, help_text="The score is multiplied by this after the due date (0 to 1)."
    )
    attempt_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Counted submissions per item, across its variants; empty means unlimited.",
    )
    penalty_per_wrong_attempt = models.FloatField(
        default=0.0, help_text="Taken off an item's score for each wrong submission before it."
    )
    score_policy = models.CharField(
        max_length=4, choices=ScorePolicy.choices, default=ScorePolicy.BEST
    )
    feedback = models.CharField(
        max_length=10, choices=FeedbackRelease.choices, default=FeedbackRelease.IMMEDIATE
    )
    solutions = models.CharField(
        max_length=12, choices=SolutionRelease.choices, default=SolutionRelease.AFTER_SOLVED
    )
    hints = models.BooleanField(default=True)
    shuffle = models.BooleanField(
        default=False, help_text="Each learner sees the items in their own order."
    )
    weight = models.FloatField(default=1.0, help_text="Its weight in the course total.")
    time_limit_minutes = models.PositiveIntegerField(null=True, blank=True)
    access_code = models.CharField(max_length=100, blank=True)
    source_quiz = models.ForeignKey(
        Quiz, on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["course", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="assessment_slug_per_course"),
            models.CheckConstraint(
                condition=models.Q(late_credit__gte=0, late_credit__lte=1),
                name="late_credit_in_unit_range",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    penalty_per_wrong_attempt__gte=0, penalty_per_wrong_attempt__lte=1
                ),
                name="penalty_in_unit_range",
            ),
            models.CheckConstraint(condition=models.Q(weight__gte=0), name="weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.course.slug})"


class AssessmentItem(models.Model):
    """One position of an assessment: an exercise, or a pool of them (one drawn per learner)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField(default=0)
    points = models.FloatField(default=1.0)
    exercises = models.ManyToManyField(Exercise, through="PoolEntry", related_name="+")

    class Meta:
        ordering = ["assessment", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points__gte=0), name="points_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.assessment.title} · item {self.position + 1}"


class PoolEntry(models.Model):
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="pool")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="pool_entries")

    class Meta:
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "exercise"], name="exercise_once_per_pool")
        ]


class ItemDraw(models.Model):
    """The exercise a learner drew from an item's pool: drawn once, fixed for them."""

    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="draws")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="item_draws"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["item", "learner"], name="one_draw_per_learner")
        ]


class AssessmentException(models.Model):
    """One learner's own dates, extra attempts or extra time on an assessment, set by staff."""

    # What an exception grants (the staff form and the API read and write these)
    GRANTS = ("opens_at", "due_at", "late_until", "extra_attempts", "time_multiplier", "reason")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="exceptions")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessment_exceptions"
    )
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    late_until = models.DateTimeField(null=True, blank=True)
    extra_attempts = models.PositiveIntegerField(default=0)
    time_multiplier = models.FloatField(default=1.0)
    reason = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "learner"], name="one_exception_per_learner"
            ),
            models.CheckConstraint(
                condition=models.Q(time_multiplier__gte=1), name="time_multiplier_at_least_one"
            ),
        ]


class AuditEntry(models.Model):
    """A staff action that changes grades (manual grade, regrade, exception, assessment edit)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    detail = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course", "created_at"])]


class ExamSitting(models.Model):
    """A learner's sitting of an exam: started once, ending at a time the server fixed at start.

    `ends_at` is the only clock: answers and drafts made after it (plus a few seconds' grace for
    answers in flight) are refused; at the end the drafts are submitted (`finished_at`).
    """

    class Finish(models.TextChoices):
        SUBMITTED = "submitted", "submitted by the learner"
        TIME = "time", "time ran out"
        STAFF = "staff", "ended by staff"

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="sittings")
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exam_sittings"
    )
    started_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    finish = models.CharField(max_length=10, choices=Finish.choices, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "learner"], name="one_sitting_per_exam")
        ]
        indexes = [models.Index(fields=["finished_at", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.assessment} · {self.learner}"

    @property
    def finished(self) -> bool:
        return self.finished_at is not None

    @property
    def minutes_taken(self) -> float | None:
        if self.finished_at is None:
            return None
        return (min(self.finished_at, self.ends_at) - self.started_at).total_seconds() / 60


class ExamDraft(models.Model):
    """The answer a learner is writing to one exam item, saved as they type; the form's fields as
    the page sent them, read into an answer when the sitting is finished."""

    sitting = models.ForeignKey(ExamSitting, on_delete=models.CASCADE, related_name="drafts")
    item = models.ForeignKey(AssessmentItem, on_delete=models.CASCADE, related_name="+")
    fields = models.JSONField(default=dict)
    saved_at = models.DateTimeField()
    submission = models.ForeignKey(
        Submission, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sitting", "item"], name="one_draft_per_item")
        ]
