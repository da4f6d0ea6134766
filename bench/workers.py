"""Worker throughput, one host against two: `python bench/workers.py [--answers N] [--no-code]`.

On a fresh database and a Redis of its own, one worker first grades 200 expressions and 200 Python
answers alone, which gives the share of code answers that makes each queue half the work. Then the
same batch of answers, in that share, is queued and graded twice:

1. one worker process (one slot) consuming the `grading` and `code` queues;
2. two worker processes, as on two hosts: one from this checkout on `grading`, one from a copy
   of the code without the exercise bank on `code` (it reads every trusted file from the
   database).

With `--no-code` the batch is expressions only and both workers take the `grading` queue.

Prints gradings per second for each (from the first to the last grading's finish), how many of
the machine's cores were busy meanwhile (all processes: workers, PostgreSQL, Redis), and their
ratio beside the most the cores allow: two workers can reach 2× only where the machine has the
cores that one worker's run kept busy free a second time.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import database_url, django, drop_database, prepare
from tangent.embedded_redis import start_redis, stop
from tests.support.checkout import checkout_without_bank

QUEUE_ANSWERS = """
import json
from courseware.grading import intake
from courseware.models import Course, Exercise
from courseware.variants import new_attempt
from django.contrib.auth.models import User
from tests.support.grading import expression_text
from tests.support.sandbox import CORRECT_D_SIGMA
course = Course.objects.get(slug="load")
learners = list(User.objects.filter(username__startswith="l").order_by("pk"))
typed, coded = Exercise.objects.get(slug="{typed}"), Exercise.objects.get(slug="{coded}")
ids = []
for i in range({answers}):
    learner = learners[{first} + i]
    if int((i + 1) * {share}) > int(i * {share}):  # a share of code answers, spread evenly
        ids.append(intake.submit(new_attempt(learner, coded, course), {{"code": CORRECT_D_SIGMA}}).pk)
    else:
        attempt = new_attempt(learner, typed, course)
        ids.append(intake.submit(attempt, {{"value": expression_text(attempt)}}).pk)
print(json.dumps(ids))
"""

THROUGHPUT = """
import json
from courseware.models import Grading
ids = {ids}
done = list(Grading.objects.filter(submission_id__in=ids).order_by("finished_at").values_list("finished_at", flat=True))
span = (done[-1] - done[0]).total_seconds() if len(done) > 1 else 0
print(json.dumps({{"graded": len(done), "seconds": span}}))
"""
POLL_SECONDS = 0.1
CORES = os.cpu_count() or 1
CALIBRATION = 200  # answers of each kind graded first, to weigh a code answer against an expression
TYPED, CODED = "m1-chain-rule", "m3-d-sigma"


def cpu_jiffies() -> tuple[int, int]:
    """(busy, all) clock ticks of every core since boot, from /proc/stat."""
    ticks = [int(t) for t in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return sum(ticks) - idle, sum(ticks)


def graded_count(url: str, ids: list[int]) -> int:
    """How many of the submissions have a grading: one query from this process, so that watching
    the run does not take a core from it."""
    if url.startswith("postgres"):
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1)) as connection:
            query = "SELECT count(*) FROM courseware_grading WHERE submission_id = ANY(%s)"
            return connection.execute(query, (ids,)).fetchone()[0]  # type: ignore[index]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        query = "SELECT count(*) FROM courseware_grading WHERE submission_id IN (SELECT value FROM json_each(?))"
        return connection.execute(query, (json.dumps(ids),)).fetchone()[0]  # type: ignore[no-any-return]


def worker(env: dict, root: Path, queues: str, name: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "tangent", "worker", "--concurrency", "1",
               "--queues", queues, "--hostname", f"{name}@%h", "--loglevel", "WARNING",
               "--without-gossip", "--without-mingle"]  # fmt: skip
    return subprocess.Popen(command, cwd=root, env={**env, "PYTHONPATH": str(root)},
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def run(
    env: dict, answers: int, share: float, layout: list[tuple[Path, str]], logs: Path, first: int
) -> dict:
    """Queue `answers` answers (from learners `first`… on; `share` of them code), start the
    workers, time the grading."""
    script = QUEUE_ANSWERS.format(
        answers=answers, share=share, first=first, typed=TYPED, coded=CODED
    )
    ids = json.loads(django(env, script).splitlines()[-1])
    processes = [worker(env, root, queues, f"bench{i}", logs / f"worker{i}.log")
                 for i, (root, queues) in enumerate(layout)]  # fmt: skip
    try:
        deadline = time.monotonic() + 60 + answers
        since = None  # the machine's ticks when the first grading was seen
        while time.monotonic() < deadline:
            graded, ticks = graded_count(env["DATABASE_URL"], ids), cpu_jiffies()
            since = since or (ticks if graded else None)
            if since and graded == len(ids):
                result = json.loads(django(env, THROUGHPUT.format(ids=ids)).splitlines()[-1])
                busy = (ticks[0] - since[0]) / max(1, ticks[1] - since[1]) * CORES
                return {**result, "per_second": (len(ids) - 1) / result["seconds"], "busy": busy}
            time.sleep(POLL_SECONDS)
        raise RuntimeError(f"not all graded in time: {graded} of {len(ids)}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1000)
    parser.add_argument("--no-code", action="store_true", help="expressions only")
    args = parser.parse_args()
    run_id = uuid.uuid4().hex[:8]
    logs = ROOT / "var" / "bench-workers" / run_id
    logs.mkdir(parents=True, exist_ok=True)
    redis_process, redis_url = start_redis(logs / "redis")
    env = {**os.environ, "DATABASE_URL": database_url(run_id), "REDIS_URL": redis_url,
           "TANGENT_REDIS_PREFIX": f"bench-{run_id}:", "PYTHONPATH": str(ROOT)}  # fmt: skip
    share, n = 0.0, args.answers
    try:
        prepare(env, 2 * CALIBRATION + 2 * n)
        if not args.no_code:  # each queue gets half the work: each kind timed alone first
            alone = [(ROOT, "grading,code")]
            typed = run(env, CALIBRATION, 0.0, alone, logs, first=0)["per_second"]
            coded = run(env, CALIBRATION, 1.0, alone, logs, first=CALIBRATION)["per_second"]
            share = coded / (typed + coded)
            print(f"code answers: {share:.0%} of the batch, so that each queue holds half the work "
                  f"(one worker grades {typed:.0f} expressions or {coded:.0f} code answers a second)")  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            other = checkout_without_bank(Path(folder) / "other-host")
            one = run(env, n, share, [(ROOT, "grading,code")], logs, first=2 * CALIBRATION)
            two = run(env, n, share, [(ROOT, "grading"), (other, "code" if share else "grading")], logs, first=2 * CALIBRATION + n)  # fmt: skip
    finally:
        stop(redis_process)
        drop_database(env["DATABASE_URL"])
    for name, result in (("one worker: ", one), ("two workers:", two)):
        print(f"{name} {result['per_second']:.1f} gradings/s ({result['graded']} in "
              f"{result['seconds']:.1f} s), {result['busy']:.1f} of {CORES} cores busy")  # fmt: skip
    allowed = min(2.0, CORES / one["busy"])
    print(f"ratio: {two['per_second'] / one['per_second']:.2f}× (the cores allow {allowed:.2f}×: "
          f"one worker's run kept {one['busy']:.1f} busy)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
