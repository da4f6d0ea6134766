"""Fan-out of the outbox (courseware.outbox) to its destinations: LMS gradebooks and webhooks.

Each undelivered "score.changed" event gets one ScoreSync per matching gradebook line, each
"submission.finished" event one WebhookDelivery per webhook (and callback) of an API submission;
then the event is marked delivered. Each sync or delivery is sent by its own task, which keeps
its own state (lms.delivery).

An assessment's column gets the learner's total on it (attempts, late credit and penalties
applied by courseware.scoring), and only once its release policy lets the learner see it: until
then the line is marked withheld, and `release_withheld` sends the score when the time comes
(feedback after the due date: once the learner's own due date has passed).
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from api import webhooks
from courseware import scoring
from courseware.models import Assessment, AssessmentException, OutboxEvent, Quiz
from courseware.outbox import KINDS, SCORE_CHANGED, SUBMISSION_FINISHED
from courseware.progress import best_scores, quiz_progress
from lms import passback
from lms.models import GradeLine

BATCH = 200


def score_for(line: GradeLine, event: OutboxEvent) -> float | None:
    """The score the line should show after the event, or None if there is none to send."""
    if line.assessment_id is not None:
        if event.payload.get("assessment") != line.assessment_id:
            return None
        return released_score(line)
    if event.payload.get("assessment") is not None:
        return None  # an answer in an assessment counts towards the assessment's line only
    slug = event.payload.get("exercise")
    if line.exercise is not None:
        return float(event.payload["score"]) if line.exercise.slug == slug else None
    assert line.quiz_id is not None, "a line is for an assessment, an exercise or a quiz"
    quiz = Quiz.objects.prefetch_related("items__exercise").get(pk=line.quiz_id)
    if not any(item.exercise.slug == slug for item in quiz.items.all()):
        return None
    return quiz_progress(quiz, best_scores(line.learner_id)).score


def fan_out(serialise: webhooks.SubmissionSerialiser) -> tuple[list[int], list[int]]:
    """Turn undelivered events into pending score syncs and webhook deliveries; returns the new
    ones' ids (syncs, deliveries). `serialise(submission, client)`: a submission as its API
    client sees it."""
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(kind__in=KINDS, delivered_at__isnull=True)
            .order_by("pk")[:BATCH]
        )
        syncs = score_syncs([e for e in events if e.kind == SCORE_CHANGED])
        finished = [e.payload for e in events if e.kind == SUBMISSION_FINISHED]
        deliveries = webhooks.announce_each(finished, serialise)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            delivered_at=timezone.now()
        )
    return syncs, deliveries


def score_syncs(events: list[OutboxEvent]) -> list[int]:
    """The syncs a batch of score changes calls for; one query finds the gradebook lines of
    every learner in it (most learners of a rush have none)."""
    lines: dict[int, list[GradeLine]] = defaultdict(list)
    learners = {event.payload.get("learner") for event in events}
    if learners:
        found = GradeLine.objects.select_related("exercise", "assessment", "learner")
        for line in found.filter(learner_id__in=learners).order_by("pk"):
            lines[line.learner_id].append(line)
    created: list[int] = []
    for event in events:
        for line in lines[event.payload.get("learner")]:
            score = score_for(line, event)
            if score is not None:
                sync = passback.record(line, event, score, event.payload.get("submission"))
                created.append(sync.pk)
    return created


def released_score(line: GradeLine) -> float | None:
    """The learner's 0–1 score on the line's assessment if they may see it now; else None, and
    the line is marked withheld until they may."""
    assert line.assessment is not None, "a line of an assessment"
    score = scoring.assessment_score(line.assessment, line.learner)
    if not score.possible:
        return None  # nothing to be out of yet
    if line.withheld != (not score.released):  # the line may serve more events of the batch
        line.withheld = not score.released
        GradeLine.objects.filter(pk=line.pk).update(withheld=line.withheld)
    return score.fraction if score.released else None


def release_withheld() -> list[int]:
    """Send the withheld assessment scores the release policy now lets learners see; returns
    the new syncs' ids. Each release is an outbox event of its own (kind "score.released")."""
    created: list[int] = []
    now = timezone.now()
    may_be_due = (  # cheap to ask: the policy now allows it, or a due date has passed
        Q(assessment__feedback=Assessment.FeedbackRelease.IMMEDIATE)
        | Q(assessment__due_at__lte=now)
        | Exists(
            AssessmentException.objects.filter(
                assessment=OuterRef("assessment"), learner=OuterRef("learner"), due_at__lte=now
            )
        )
    )
    lines = (
        GradeLine.objects.filter(withheld=True, assessment__isnull=False)
        .exclude(assessment__feedback=Assessment.FeedbackRelease.NEVER)
        .filter(may_be_due)
        .select_related("assessment", "learner")
        .order_by("pk")
    )
    with transaction.atomic():
        for line in lines.select_for_update(skip_locked=True, of=("self",))[:BATCH]:
            score = released_score(line)
            if score is None:
                continue
            event = OutboxEvent.objects.create(
                kind="score.released",
                payload={"learner": line.learner_id, "assessment": line.assessment_id},
                delivered_at=now,
            )
            created.append(passback.record(line, event, score, None).pk)
    return created
