"""A 30-minute exam open now, of two items (a graph to match, rise over run), for exam tests."""

from __future__ import annotations

from django.utils import timezone

from courseware.assessments import add_item
from courseware.models import Assessment, Course, Exercise

MINUTE = timezone.timedelta(minutes=1)


def make_exam(course: Course, **settings) -> Assessment:
    """The exam "midterm" of `course`, open a minute ago and due in two hours; `settings` (the
    feedback policy, an access code, …) override the defaults."""
    exam = course.assessments.create(
        slug="midterm",
        title="Midterm",
        kind="exam",
        time_limit_minutes=30,
        opens_at=timezone.now() - MINUTE,
        due_at=timezone.now() + 120 * MINUTE,
        **settings,
    )
    add_item(exam, [Exercise.objects.get(slug="m1-graph-derivative-match")])
    add_item(exam, [Exercise.objects.get(slug="m1-rise-over-run")])
    return exam
