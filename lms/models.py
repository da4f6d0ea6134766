"""API keys: looked up by a short public prefix, checked with SHA-256, scoped and revocable."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from lms.frame_origins import checked_origins


class ApiKey(models.Model):
    """A credential of one user: an operator key (site-wide), a course key, a user key, or a
    learner's personal access token.

    What each kind may do is decided in api/access.py; docs/api.md states the policy.
    """

    class Scope(models.TextChoices):
        READ = "read"
        SUBMIT = "submit"
        STAFF = "staff"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=16, unique=True)
    digest = models.CharField(
        max_length=64, help_text="SHA-256 of the whole key; the key itself is never stored."
    )
    scopes = models.JSONField(default=list)
    course = models.ForeignKey(
        "courseware.Course",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_keys",
        help_text="A course key acts only in this course.",
    )
    operator = models.BooleanField(
        default=False, help_text="Site-wide; made only by `manage.py create_api_key --operator`."
    )
    personal = models.BooleanField(
        default=False,
        help_text="A learner's personal access token (made on their profile page): reads and "
        "submits their own work only, paced like the pages.",
    )
    callback_secret = models.TextField(
        blank=True,
        help_text="Signs the callbacks of this key's submissions; encrypted with "
        "TANGENT_ENCRYPTION_KEYS.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class LtiCourse(models.Model):
    """The Tangent course an LMS context (a course in Canvas, Moodle, Open edX…) maps to."""

    context = models.OneToOneField(
        "lti_tool.LtiContext", on_delete=models.CASCADE, related_name="tangent_course"
    )
    course = models.ForeignKey(
        "courseware.Course", on_delete=models.PROTECT, related_name="lti_contexts"
    )

    def __str__(self) -> str:
        return f"{self.context} → {self.course}"


class FrameAncestors(models.Model):
    """Origins where a platform frames Tangent besides its issuer and login URL (for Open edX,
    the Learning MFE's and Studio's); `lms.frame_origins` puts them in `frame-ancestors`."""

    registration = models.OneToOneField(
        "lti_tool.LtiRegistration", on_delete=models.CASCADE, related_name="frame_ancestors"
    )
    origins = models.TextField(
        blank=True,
        help_text="One origin per line, e.g. https://apps.lms.example (scheme://host[:port], "
        "no path). The issuer's and the login URL's origins are always allowed.",
    )

    class Meta:
        verbose_name = "other origins that frame Tangent"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"Frame ancestors of {self.registration}"

    def clean(self) -> None:
        """Keep the origins one per line in their plain form; say which lines are not origins."""
        try:
            self.origins = "\n".join(checked_origins(self.origins))
        except ValidationError as error:
            raise ValidationError({"origins": error.messages}) from error


class GradeLine(models.Model):
    """A gradebook column (AGS line item) that one learner's exercise, quiz or assessment score
    goes to."""

    registration = models.ForeignKey("lti_tool.LtiRegistration", on_delete=models.CASCADE)
    lineitem_url = models.URLField(max_length=1000)
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_lines"
    )
    sub = models.CharField(max_length=255, help_text="The learner's user id on the platform.")
    course = models.ForeignKey("courseware.Course", on_delete=models.CASCADE)
    exercise = models.ForeignKey(
        "courseware.Exercise", on_delete=models.PROTECT, null=True, blank=True
    )
    quiz = models.ForeignKey("courseware.Quiz", on_delete=models.PROTECT, null=True, blank=True)
    assessment = models.ForeignKey(
        "courseware.Assessment", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    withheld = models.BooleanField(
        default=False,
        help_text="A score waits for the assessment's release policy; the outbox sends it then.",
    )
    last_timestamp = models.DateTimeField(
        null=True, blank=True, help_text="The newest score timestamp sent; the next is later."
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["lineitem_url", "learner"], name="one_line_per_learner")
        ]

    def __str__(self) -> str:
        return f"{self.learner} → {self.lineitem_url}"


class ScoreSync(models.Model):
    """One score sent to one gradebook line (the AGS sync state of a score change)."""

    class State(models.TextChoices):
        PENDING = "pending"
        SENT = "sent"
        FAILED = "failed"

    line = models.ForeignKey(GradeLine, on_delete=models.CASCADE, related_name="syncs")
    event = models.ForeignKey("courseware.OutboxEvent", on_delete=models.CASCADE)
    submission = models.ForeignKey(
        "courseware.Submission",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="score_syncs",
    )
    score = models.FloatField(help_text="0..1; sent as scoreGiven = score × scoreMaximum.")
    timestamp = models.DateTimeField(help_text="Fixed when created; re-sent unchanged on retries.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["line", "event"], name="one_sync_per_line_and_event")
        ]

    def __str__(self) -> str:
        return f"{self.line}: {self.score} ({self.state})"


class ApiLearner(models.Model):
    """A learner an API client names by its own opaque reference; a user with no password."""

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_learners"
    )
    ref = models.CharField(max_length=200)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_learner"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "ref"], name="one_learner_per_client_ref")
        ]

    def __str__(self) -> str:
        return f"{self.ref} (of {self.client})"


class ApiSubmission(models.Model):
    """What the API knows about a submission it created: who asked, and where to call back."""

    submission = models.OneToOneField(
        "courseware.Submission", on_delete=models.CASCADE, related_name="api"
    )
    key = models.ForeignKey(ApiKey, on_delete=models.SET_NULL, null=True, related_name="+")
    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    learner_ref = models.CharField(max_length=200, blank=True)
    callback_url = models.URLField(max_length=1000, blank=True)
    notified_round = models.PositiveIntegerField(
        default=0, help_text="The grading round whose outcome was last announced."
    )


class IdempotencyRecord(models.Model):
    """A submission request made with an Idempotency-Key, and the response it got."""

    client = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    body_digest = models.CharField(max_length=64)
    finished = models.BooleanField(default=False)
    status = models.PositiveIntegerField(null=True)
    body = models.JSONField(null=True)
    location = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="one_record_per_client_key")
        ]


class Webhook(models.Model):
    """A URL that receives signed events about a client's submissions."""

    class Event(models.TextChoices):
        GRADED = "submission.graded"
        FAILED = "submission.failed"

    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="webhooks"
    )
    url = models.URLField(max_length=1000)
    events = models.JSONField(default=list)
    secret = models.TextField(help_text="Encrypted with TANGENT_ENCRYPTION_KEYS.")
    created_at = models.DateTimeField(auto_now_add=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event sent (or being sent) to a webhook or a submission's callback URL."""

    class State(models.TextChoices):
        PENDING = "pending"
        DELIVERED = "delivered"
        FAILED = "failed"

    event_id = models.UUIDField()
    kind = models.CharField(max_length=40)
    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, null=True, blank=True, related_name="deliveries"
    )
    callback_for = models.ForeignKey(
        ApiSubmission, on_delete=models.CASCADE, null=True, blank=True, related_name="callbacks"
    )
    url = models.URLField(max_length=1000)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    tries = models.PositiveIntegerField(default=0)
    response_status = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["webhook", "event_id"], name="one_delivery_per_webhook_event"
            )
        ]


class XQueueSubmission(models.Model):
    """A submission an Open edX XQueue handed to the worker, and the Tangent submission it became.

    XQueue hands a submission out again when no result came back in time or the LMS missed the
    callback; every handing-out finds this row, so an answer is graded once and uses one attempt.
    """

    queue = models.CharField(max_length=128)
    xqueue_id = models.BigIntegerField(help_text="XQueue's submission id.")
    body_digest = models.CharField(
        max_length=64, help_text="SHA-256 of the submission's body (an id reused for another body)."
    )
    header = models.TextField(help_text="The header of the latest handing-out: its key answers it.")
    submission = models.OneToOneField(
        "courseware.Submission",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="xqueue",
    )
    reason = models.TextField(
        blank=True, help_text="Why the answer was not taken (empty when it became a submission)."
    )
    pulls = models.PositiveIntegerField(default=0, help_text="Times XQueue handed it out.")
    reply = models.JSONField(null=True, blank=True, help_text="The result last put back.")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["queue", "xqueue_id", "body_digest"],
                name="one_record_per_xqueue_submission",
            )
        ]

    def __str__(self) -> str:
        return f"XQueue {self.queue} #{self.xqueue_id} → {self.submission_id or self.reason[:40]}"
