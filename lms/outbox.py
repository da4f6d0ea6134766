"""Fan-out of score changes from the outbox to their destinations (LMS gradebooks, webhooks).

Each undelivered "score.changed" event gets one ScoreSync per matching gradebook line, then is
marked delivered; the syncs are sent by their own tasks, which keep their own state. A score that
an assessment's policy does not release yet waits in the outbox (`courseware.exams.score_hold`).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from courseware import exams
from courseware.models import OutboxEvent, Quiz
from courseware.progress import best_scores, quiz_progress
from lms import passback
from lms.models import GradeLine, ScoreSync

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


def fan_out() -> list[int]:
    """Turn undelivered score changes into pending syncs; returns the new syncs' ids."""
    created: list[int] = []
    with transaction.atomic():
        waiting = list(
            OutboxEvent.objects.select_for_update(skip_locked=True)
            .filter(kind="score.changed", delivered_at__isnull=True)
            .order_by("pk")[: BATCH * 10]
        )
        events = []
        for event in waiting:
            if len(events) == BATCH:
                break
            # A score the assessment's policy does not release yet stays in the outbox until it
            # may be (one never released is dropped); the others go out in order.
            hold = exams.score_hold(event.payload.get("submission"))
            if hold == exams.Hold.LATER:
                continue
            events.append(event)
            if hold == exams.Hold.NEVER:
                continue
            lines = GradeLine.objects.select_related("exercise").filter(
                learner_id=event.payload.get("learner")
            )
            for line in lines:
                score = score_for(line, event)
                if score is not None:
                    sync = passback.record(line, event, score, event.payload.get("submission"))
                    created.append(sync.pk)
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events]).update(
            delivered_at=timezone.now()
        )
    return created


def pending_syncs() -> list[int]:
    return list(
        ScoreSync.objects.filter(state=ScoreSync.State.PENDING).values_list("pk", flat=True)
    )
