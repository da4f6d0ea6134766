"""Worker throughput, one host against two: `python bench/workers.py [--answers N]`.

On a fresh database and a Redis of its own, the same batch of answers (expressions and, when the
sandbox is ready, Python code, as in the load harness) is queued and graded twice:

1. one worker process (one slot) consuming the `grading` and `code` queues;
2. two worker processes, as on two hosts: one from this checkout on `grading`, one from a copy
   of the code without the exercise bank on `code` (it reads every trusted file from the
   database).

Prints gradings per second for each (from the first to the last grading's finish) and their
ratio; the second can reach 2× only where the machine has a free core for it.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

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
typed, coded = Exercise.objects.get(slug="m1-chain-rule"), Exercise.objects.get(slug="m3-d-sigma")
ids = []
for i in range({answers}):
    learner = learners[{first} + i]
    if {code} and i % 4 == 3:
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


def worker(env: dict, root: Path, queues: str, name: str, log: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "celery", "-A", "tangent", "worker", "--concurrency", "1",
               "--queues", queues, "--hostname", f"{name}@%h", "--loglevel", "WARNING",
               "--without-gossip", "--without-mingle"]  # fmt: skip
    return subprocess.Popen(command, cwd=root, env={**env, "PYTHONPATH": str(root)},
                            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip


def run(
    env: dict, answers: int, code: bool, layout: list[tuple[Path, str]], logs: Path, first: int
) -> dict:
    """Queue `answers` answers (from learners `first`… on), start the workers, time the grading."""
    script = QUEUE_ANSWERS.format(answers=answers, code=code, first=first)
    ids = json.loads(django(env, script).splitlines()[-1])
    processes = [worker(env, root, queues, f"bench{i}", logs / f"worker{i}.log")
                 for i, (root, queues) in enumerate(layout)]  # fmt: skip
    try:
        deadline = time.monotonic() + 60 + answers
        while time.monotonic() < deadline:
            result = json.loads(django(env, THROUGHPUT.format(ids=ids)).splitlines()[-1])
            if result["graded"] == len(ids):
                return {**result, "per_second": (len(ids) - 1) / result["seconds"]}
            time.sleep(1)
        raise RuntimeError(f"not all graded: {result}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=400)
    parser.add_argument("--no-code", action="store_true", help="expressions only")
    args = parser.parse_args()
    run_id = uuid.uuid4().hex[:8]
    logs = ROOT / "var" / "bench-workers" / run_id
    logs.mkdir(parents=True, exist_ok=True)
    redis_process, redis_url = start_redis(logs / "redis")
    env = {**__import__("os").environ, "DATABASE_URL": database_url(run_id), "REDIS_URL": redis_url,
           "TANGENT_REDIS_PREFIX": f"bench-{run_id}:", "PYTHONPATH": str(ROOT)}  # fmt: skip
    code = not args.no_code
    try:
        prepare(env, 2 * args.answers)
        with tempfile.TemporaryDirectory() as folder:
            other = checkout_without_bank(Path(folder) / "other-host")
            one = run(env, args.answers, code, [(ROOT, "grading,code")], logs, first=0)
            two = run(env, args.answers, code, [(ROOT, "grading"), (other, "code" if code else "grading")], logs, first=args.answers)  # fmt: skip
    finally:
        stop(redis_process)
        drop_database(env["DATABASE_URL"])
    print(
        f"one worker:  {one['per_second']:.1f} gradings/s ({one['graded']} in {one['seconds']:.1f} s)"
    )
    print(
        f"two workers: {two['per_second']:.1f} gradings/s ({two['graded']} in {two['seconds']:.1f} s)"
    )
    print(f"ratio: {two['per_second'] / one['per_second']:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
