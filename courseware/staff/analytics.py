"""What learners do on one exercise: attempts, success, time to correct, mistakes that fired,
failed tests and diagnoses (code), and the submissions behind them for the other staff views.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from courseware.models import Course, Exercise, Grading, Submission
from courseware.scoring import counted
from courseware.staff.scope import submissions_in
from grader.results import has_full_marks


@dataclass
class ExerciseStats:
    learners: int = 0
    attempts: int = 0
    first_try_correct: float = 0.0  # share of learners who tried
    eventually_correct: float = 0.0
    median_attempts_to_correct: float | None = None
    median_time_to_correct: timedelta | None = None
    verdicts: list[tuple[str, int]] = field(default_factory=list)
    rules: list[tuple[str, int]] = field(default_factory=list)
    failed_tests: list[tuple[str, int]] = field(default_factory=list)
    diagnoses: list[tuple[str, int]] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)  # each learner's best, for the histogram
    times: list[datetime] = field(
        default_factory=list
    )  # when each attempt was made, for the timeline


def counted_submissions(course: Course, exercise: Exercise) -> list[Submission]:
    """The course's graded attempts on the exercise, oldest first (unreadable answers and our faults excluded)."""
    return list(
        counted(submissions_in(course))
        .filter(
            attempt__exercise_version__exercise=exercise,
            status__in=Submission.FINISHED,
        )
        .select_related("grading", "attempt__learner", "attempt__exercise_version")
        .order_by("created_at", "pk")
    )


def grading_of(submission: Submission) -> Grading:
    """The grading of a counted submission (a graded or failed one has one)."""
    if submission.grading is None:
        raise ValueError(f"Submission {submission.pk} has no grading.")
    return submission.grading


def is_correct(submission: Submission) -> bool:
    return submission.grading is not None and has_full_marks(submission.grading.score)


def fired_rules(submission: Submission) -> list[str]:
    """The mistake rules of a grading; a multi-part grading names them `part:rule, ...`."""
    rule = submission.grading.rule if submission.grading else ""
    return [r for r in rule.split(",") if r]


def compute_stats(submissions: list[Submission]) -> ExerciseStats:
    """The figures of the analytics page from the exercise's submissions (oldest first)."""
    stats = ExerciseStats(attempts=len(submissions))
    by_learner: dict[int, list[Submission]] = defaultdict(list)
    verdicts: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    tests: Counter[str] = Counter()
    diagnoses: Counter[str] = Counter()
    for submission in submissions:
        grading = grading_of(submission)
        by_learner[submission.attempt.learner_id].append(submission)
        verdicts[grading.verdict] += 1
        stats.times.append(submission.created_at)
        rules.update(fired_rules(submission))
        for item in grading.feedback:
            if item.get("type") == "test" and item.get("data", {}).get("passed") is False:
                tests[item["data"].get("name") or item.get("text", "")] += 1
            elif item.get("type") == "diagnosis":
                diagnoses[item.get("text", "")] += 1
    stats.learners = len(by_learner)
    to_correct, durations = [], []
    first, eventually = 0, 0
    for history in by_learner.values():
        stats.scores.append(max(grading_of(s).score for s in history))
        first += is_correct(history[0])
        solved = next((i for i, s in enumerate(history) if is_correct(s)), None)
        if solved is not None:
            eventually += 1
            to_correct.append(solved + 1)
            durations.append(history[solved].created_at - history[0].created_at)
    if stats.learners:
        stats.first_try_correct = first / stats.learners
        stats.eventually_correct = eventually / stats.learners
    if to_correct:
        stats.median_attempts_to_correct = statistics.median(to_correct)
        seconds = statistics.median(d.total_seconds() for d in durations)
        stats.median_time_to_correct = timedelta(seconds=seconds)
    stats.verdicts = verdicts.most_common()
    stats.rules = rules.most_common()
    stats.failed_tests = tests.most_common(10)
    stats.diagnoses = diagnoses.most_common(10)
    return stats
