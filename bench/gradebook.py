"""The gradebook of a big course: its first page as staff, against the in-memory builder it replaced.

Makes a fresh, uniquely named PostgreSQL database with bench/load.py's helpers (migrations, the bank,
a course of N learners) and a Redis of its own, then writes a realistic history straight into the
tables with COPY: each learner answered each of 60 exercises of the course's quizzes with a chance
of 85 %, 1–3 times, each answer graded. In this process, through Django's test client (the whole
request: middleware, session, queries, template), logged in as the course's staff, it times:

- the gradebook's first page (`/staff/`, by learner), and the first page sorted by score;
- the course-score chart the page shows on request, and the whole CSV streamed;
- BASELINE: the builder before pages (a copy below, used only here): every learner's row built in
  memory, sorted by name, as the page did on every request (rendering its 10,000 rows not counted).

Prints p50/p95 of each and the ratio of the baseline to the first page; drops the database at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import time
import tracemalloc
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # not bench/: its requests.py would shadow the package
from bench.load import database_url, drop_database, percentile, prepare
from tangent.embedded_redis import start_redis, stop

ITEMS = 60
ANSWERED = 0.85  # the chance a learner answered an item at all
START = datetime(2025, 1, 6, 9, tzinfo=UTC)


def environment(run: str, redis_url: str) -> dict:
    return {**os.environ, "DATABASE_URL": database_url(run), "REDIS_URL": redis_url,
            "TANGENT_REDIS_PREFIX": f"bench-gradebook-{run}:", "TANGENT_MODE": "production",
            "SECRET_KEY": uuid.uuid4().hex * 2, "ALLOWED_HOSTS": "testserver",
            "TANGENT_ENV_FILE": "/nonexistent", "LOG_LEVEL": "WARNING", "ACCESS_LOG_LEVEL": "WARNING",
            "SECURE_SSL_REDIRECT": "false", "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false",
            "TANGENT_ENCRYPTION_KEYS": os.environ.get("TANGENT_ENCRYPTION_KEYS", "")}  # fmt: skip


def copy_rows(model, rows) -> int:
    """COPY the rows (field name → value; the field's default for the rest) into the model's
    table; returns how many."""
    from django.db import connection

    fields = model._meta.concrete_fields
    table = model._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    defaults = {f.attname: f.get_default() for f in fields}
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                values = {**defaults, **row}
                copy.write_row(
                    [
                        json.dumps(v) if isinstance(v, dict | list) else v
                        for v in (values[f.attname] for f in fields)
                    ]
                )
                count += 1
        cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, count])
    return count


def history(learners: list[int], exercises: list[int], seed: int):
    """(attempt id, learner, exercise, first answer?, answer id, made at, score) per answer: each
    learner answers each exercise with a chance of ANSWERED, 1–3 times. The same seed gives the
    same history, so each table's pass draws it again rather than holding a million rows."""
    rng = random.Random(seed)
    attempt = answer = 0
    for learner in learners:
        for exercise in exercises:
            if rng.random() > ANSWERED:
                continue
            attempt += 1
            at = START + timedelta(minutes=rng.uniform(0, 60 * 24 * 60))
            for n in range(rng.choice((1, 1, 2, 2, 3))):
                answer += 1
                at += timedelta(minutes=rng.uniform(1, 30))
                score = rng.choice((0.0, 0.25, 0.5, 1.0, 1.0))
                yield attempt, learner, exercise, n == 0, answer, at, score


def fill(course, seed: int) -> tuple[int, int]:
    """Attempts, answers and their gradings for the course's learners on 60 of its exercises."""
    from django.db import connection, transaction

    from courseware.models import Attempt, Exercise, Grading, Submission
    from courseware.staff.gradebook import quiz_columns
    from courseware.staff.scope import learners_of

    exercises = [e for column in quiz_columns() for e in column.exercise_ids][:ITEMS]
    version = dict(Exercise.objects.filter(pk__in=exercises).values_list("pk", "current_version"))
    learners = list(learners_of(course).values_list("pk", flat=True))

    def rows(table):
        return (table(*answer) for answer in history(learners, exercises, seed))

    def attempt(number, learner, exercise, first, _answer, at, _score):
        return {"id": number, "learner_id": learner, "course_id": course.pk, "number": 1,
                "exercise_version_id": version[exercise], "seed": 0, "params": {},
                "created_at": at - timedelta(minutes=1)} if first else None  # fmt: skip

    def submission(number, _learner, _exercise, _first, answer, at, _score):
        return {"id": answer, "attempt_id": number, "answer": {"value": "x"}, "status": "graded",
                "grading_id": answer, "created_at": at, "updated_at": at}  # fmt: skip

    def grading(_number, _learner, exercise, _first, answer, at, score):
        verdict = "correct" if score == 1 else "partial" if score else "incorrect"
        return {"id": answer, "submission_id": answer, "grading_round": 1, "grader_version": "bench",
                "exercise_version_id": version[exercise], "status": "graded", "verdict": verdict,
                "score": score, "started_at": at, "finished_at": at}  # fmt: skip

    with transaction.atomic():  # submission ↔ grading point at each other: checked at the commit
        attempts = copy_rows(Attempt, (r for r in rows(attempt) if r))
        answers = copy_rows(Submission, rows(submission))
        copy_rows(Grading, rows(grading))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return attempts, answers


# --- BASELINE: the in-memory builder this change replaced (courseware/staff/gradebook.py before
# pages), kept here only to time it; it builds every learner's row on every request. ------------


def baseline_first_page(course) -> list:
    from courseware.accounts import display_name
    from courseware.models import Submission
    from courseware.scoring import is_counted
    from courseware.staff.gradebook import Cell, Row, quiz_columns
    from courseware.staff.scope import learners_of, submissions_in

    columns = quiz_columns()
    learners = list(learners_of(course))
    records: dict = defaultdict(lambda: {"best": None, "attempts": 0, "last": None})
    rows = submissions_in(course).values_list(
        "attempt__learner_id", "attempt__exercise_version__exercise_id", "status", "created_at",
        "grading__score", "grading__verdict",
    )  # fmt: skip
    for learner_id, exercise_id, status, created_at, score, verdict in rows:
        record = records[learner_id, exercise_id]
        record["last"] = max(record["last"], created_at) if record["last"] else created_at
        if is_counted(Submission.Purpose.ANSWER, status, verdict):
            record["attempts"] += 1
        if score is not None and (record["best"] is None or score > record["best"]):
            record["best"] = score
    book = []
    for learner in learners:
        row = Row(learner)
        for column in columns:
            mine = [
                records[learner.pk, e] for e in column.exercise_ids if (learner.pk, e) in records
            ]
            scores = [r["best"] for r in mine if r["best"] is not None]
            cell = Cell(attempts=sum(r["attempts"] for r in mine))
            if scores and column.exercise_ids:
                cell.score = sum(scores) / len(column.exercise_ids)
            times = [r["last"] for r in mine if r["last"]]
            cell.last = max(times) if times else None
            row.cells.append(cell)
        book.append(row)
    histogram = [row.score for row in book]  # the page's chart, over every row
    assert len(histogram) == len(book)
    return sorted(book, key=lambda r: (display_name(r.learner).lower(), r.learner.username))


# --- timing -------------------------------------------------------------------------------------


def timed(call, runs: int, warm: bool = True) -> list[float]:
    if warm:
        call()  # connections, caches, imports
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def line(what: str, seconds: list[float]) -> str:
    return (
        f"| {what} | {percentile(seconds, 50) * 1000:.0f} ms | {percentile(seconds, 95) * 1000:.0f} ms"
        f" | {len(seconds)} |"
    )


def measure(args) -> None:
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from courseware.models import Course, Membership
    from courseware.staff.scope import learners_of

    setup_test_environment()
    course = Course.objects.get(slug="load")
    started = time.monotonic()
    attempts, submissions = fill(course, args.seed)
    learners = learners_of(course).count()
    print(f"{learners:,} learners, {attempts:,} attempts, {submissions:,} graded answers"
          f" written in {time.monotonic() - started:.0f} s", flush=True)  # fmt: skip
    from django.contrib.auth.models import User

    staff = User.objects.create_user("bench-staff")
    Membership.objects.create(user=staff, course=course, role=Membership.Role.STAFF)
    client = Client()
    client.force_login(staff)

    def get(url: str) -> None:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if response.streaming:
            b"".join(response.streaming_content)

    load = [os.getloadavg()[0]]
    first = timed(lambda: get("/courses/load/staff/"), args.runs)
    page = client.get("/courses/load/staff/").content.decode()
    assert f"Learners 1–50 of {learners:,}" in page, "the page does not say which learners it shows"
    by_score = timed(lambda: get("/courses/load/staff/?sort=score&desc=1"), args.other_runs)
    chart = timed(lambda: get("/courses/load/staff/gradebook-chart/"), args.other_runs)
    csv_export = timed(lambda: get("/courses/load/staff/gradebook.csv"), 1, warm=False)
    tracemalloc.start()  # a run of its own: tracing slows Python down a few times
    get("/courses/load/staff/gradebook.csv")
    csv_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    baseline = timed(lambda: baseline_first_page(course), args.baseline_runs)
    tracemalloc.start()
    baseline_first_page(course)
    baseline_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    load.append(os.getloadavg()[0])

    print(f"\nGradebook, {learners:,} learners × {ITEMS} exercises answered ({submissions:,} answers),"
          f" Django test client in one process, load average {load[0]:.1f} → {load[1]:.1f}\n")  # fmt: skip
    print("| what | p50 | p95 | runs |\n| --- | --- | --- | --- |")
    print(line("first page (50 learners), whole request", first))
    print(line("first page sorted by score", by_score))
    print(line("course-score chart (on request)", chart))
    print(
        line(
            f"CSV of every learner, streamed (peak Python memory {csv_peak / 2**20:.0f} MiB)",
            csv_export,
        )
    )
    print(
        line(
            f"BASELINE: in-memory builder, all rows, no rendering (peak {baseline_peak / 2**20:.0f} MiB)",
            baseline,
        )
    )
    print(f"\nbaseline / first page: {percentile(baseline, 50) / percentile(first, 50):.0f}× at p50,"
          f" {percentile(baseline, 95) / percentile(first, 95):.0f}× at p95")  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests of the first page")
    parser.add_argument(
        "--other-runs", type=int, default=5, help="of the sorted page and the chart"
    )
    parser.add_argument("--baseline-runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    run = f"gradebook_{uuid.uuid4().hex[:8]}"
    url = database_url(run)
    if not url.startswith("postgres"):
        print("bench/gradebook.py needs PostgreSQL on 127.0.0.1:5432 (it writes with COPY)")
        return 1
    redis_process, redis_url = start_redis(ROOT / "var" / "bench" / run / "redis")
    env = environment(run, redis_url)
    try:
        print(f"Preparing {args.learners:,} learners in {url.rsplit('/', 1)[1]} …", flush=True)
        prepare(env, args.learners)
        os.environ.update(env)
        os.environ["DJANGO_SETTINGS_MODULE"] = "tangent.settings"
        measure(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)
        stop(redis_process)
        shutil.rmtree(ROOT / "var" / "bench" / run, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
