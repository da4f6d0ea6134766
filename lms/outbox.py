"""Fan-out of the outbox (courseware.outbox) to its destinations: LMS gradebooks and webhooks.

Each undelivered "score.changed" event gets one ScoreSync per matching gradebook line, each
"submission.finished" event one WebhookDelivery per webhook (and callback) of an API submission;
then the event is marked delivered. Each sync or delivery is sent by its own task, which keeps
its own state (lms.delivery).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from courseware.models import OutboxEvent, Quiz
from courseware.outbox import KINDS, SCORE_CHANGED, SUBMISSION_FINISHED
from courseware.progress import best_scores, quiz_progress
from lms import passback, webhooks
from lms.models import GradeLine

BATCH = 200


def score_for(line: GradeLine, event: OutboxEvent) -> float | None:
    """The score the line should show after the event, or None if the event is not for it."""
    slug = event.payload.get("exercise")
    if line.exercise_id is not None:
        return float(event.payload["score"]) if line.exercise.slug == slug else None
    quiz = Quiz.objects.prefetch_related("items__exercise").get(pk=line.quiz_id)
    if not any(item.exercise.slug == slug for item in quiz.items.all()):
        return None
    ids = [item.exercise_id for item in quiz.items.all()]
    return quiz_progress(quiz, best_scores(line.learner_id, ids)).score


def fan_out(serialise) -> tuple[list[int], list[int]]:
    """Turn undelivered events into pending score syncs and webhook deliveries; returns the new
    ones' ids (syncs, deliveries). `serialise(submission, client)`: a submission as its API
    client sees it."""
    syncs: list[int] = []
    deliveries: list[int] = []
    with transaction.atomic():
        events = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(kind__in=KINDS, delivered_at__isnull=True)
            .order_by("pk")[:BATCH]
        )
        for event in events:
            if event.kind == SCORE_CHANGED:
                syncs += score_syncs(event)
            elif event.kind == SUBMISSION_FINISHED:
                deliveries += webhooks.announce(event.payload, serialise)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            delivered_at=timezone.now()
        )
    return syncs, deliveries


def score_syncs(event: OutboxEvent) -> list[int]:
    created = []
    lines = GradeLine.objects.select_related("exercise").filter(
        learner_id=event.payload.get("learner")
    )
    for line in lines:
        score = score_for(line, event)
        if score is not None:
            sync = passback.record(line, event, score, event.payload.get("submission"))
            created.append(sync.pk)
    return created
