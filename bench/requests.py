"""Web CPU per request of each kind in `make load`'s mix, and a worker's CPU per grading, this
code against an earlier release.

In one process per tree (Django's test client, production settings, PostgreSQL and Redis), one
learner of the course `load` opens the course page and exercise pages, previews an expression,
submits, fetches the verdict fragment and reads the submission through the API with a key; and
the grading task runs in the process as a worker runs it (claim, grade, record) on another
learner's answer, sent just before, outside the timing. Each kind is timed with
`time.process_time` (this process's CPU only: not PostgreSQL's or Redis's) over several rounds;
the median round is reported, with the queries one request (or grading) makes.

    git worktree add /tmp/base e058029
    python bench/requests.py --base /tmp/base     # this tree against the earlier release
    python bench/requests.py --base /tmp/base --base /tmp/prev   # against two, in the same run
    python bench/requests.py                      # this tree alone
    python bench/requests.py --profile course     # cProfile of one kind, this tree

DATABASE_URL names this tree's database (created if missing); a base tree's is the same name
with `_base` (`_base2`, … for the next ones). All are migrated and loaded with the bank first. A
base runs the same script in a subprocess from its own directory, alternating with this tree's runs.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import re
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = Path(__file__).resolve()
# The load's mix, per learner at work: requests of each kind in one pass (bench/load.py: a quarter
# of the exercises opened are previewed three times; push on, so one verdict fetch per answer).
MIX = {"course": 1.0, "exercise": 1.0, "preview": 0.75, "submit": 1.0, "verdict": 1.0}
KINDS = [*MIX, "api submission", "grading"]
EXERCISES = ["m1-chain-rule", "m1-graph-derivative-match", "m2-jacobian", "m3-d-sigma"]
ANSWERS = [
    ("m1-chain-rule", {"part-answer": "2x cos(x^2)"}),
    ("m2-jacobian", {"part-answer-rows": "2", "part-answer-columns": "2", "part-answer-0-0": "2x y + 3",
                     "part-answer-0-1": "x^2", "part-answer-1-0": "cos(x)", "part-answer-1-1": "2y"}),
]  # fmt: skip
PREVIEW = {"exercise": "m1-chain-rule", "value": "2x cos(x^2)"}


def environment(tree: Path, database: str, prefix: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "TANGENT_REDIS_PREFIX": prefix,
        "TANGENT_MODE": "production",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "testserver,127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "TANGENT_ENV_FILE": "/nonexistent",
        "LOG_LEVEL": "WARNING",
        "ACCESS_LOG_LEVEL": "WARNING",
        "TANGENT_ENCRYPTION_KEYS": base64.urlsafe_b64encode(b"bench".ljust(32, b"-")).decode(),
        "TANGENT_RATE_LIMITS": json.dumps({"submit": [10**6, 60], "preview": [10**6, 60]}),
        "PYTHONPATH": str(tree),
    }


def prepare(tree: Path, env: dict[str, str]) -> None:
    name = env["DATABASE_URL"].rsplit("/", 1)[1]
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"],
        capture_output=True,
    )  # fails harmlessly when it exists
    for command in (["migrate", "--noinput", "-v0"], ["load_exercises"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=tree, env=env, check=True,
                       capture_output=True)  # fmt: skip


def measure_tree(tree: Path, env: dict[str, str], rounds: int, per_round: int) -> dict:
    found = subprocess.run(
        [sys.executable, str(SCRIPT), "--measure", str(rounds), "--per-round", str(per_round)],
        cwd=tree, env=env, capture_output=True, text=True,
    )  # fmt: skip
    if found.returncode:
        sys.exit(f"measuring {tree} failed:\n{found.stderr[-3000:]}")
    return json.loads(found.stdout.strip().splitlines()[-1])


# ---- in the measuring process (cwd: the tree measured) ----


class Learner:
    """A new logged-in learner of the course `load` (a new one per run: a history of its own)."""

    def __init__(self, role: str):
        from django.contrib.auth.models import User
        from django.test import Client

        from courseware.models import Course, Membership

        course, _ = Course.objects.get_or_create(
            slug="load", defaults={"title": "Load", "open_enrolment": True}
        )
        self.user = User.objects.create(username=f"bench-{role}-{uuid.uuid4().hex[:12]}")
        Membership.objects.create(user=self.user, course=course)
        self.client = Client()
        self.client.force_login(self.user)
        self.attempts: dict[str, str] = {}

    def submit(self, turn: int):
        slug, fields = ANSWERS[turn % len(ANSWERS)]
        if slug not in self.attempts:
            page = self.client.get(f"/courses/load/exercises/{slug}/").content.decode()
            self.attempts[slug] = re.search(r'name="attempt" value="(\d+)"', page).group(1)
        return self.client.post(
            f"/courses/load/exercises/{slug}/submit/", {"attempt": self.attempts[slug], **fields}
        )


class Mix:
    """The requests of each kind: a learner who has answered each exercise once (as a learner of
    the load has, a pass or two in) reads pages and their verdict; another one submits, so the
    first one's history stays as it is."""

    def __init__(self):
        from courseware.models import Submission
        from courseware.tasks import grade_submission

        self.reader, self.submitter = Learner("reader"), Learner("submitter")
        for turn in range(len(ANSWERS)):
            self.reader.submit(turn)
            submission = Submission.objects.filter(attempt__learner=self.reader.user).latest("pk")
            grade_submission.apply((submission.pk, 1))
        self.submission_id = submission.pk
        self.key = new_key(self.reader.user)
        self.turn = 0
        self.queued = 0

    def prepare(self, kind: str) -> None:
        """What a request of `kind` needs first, outside its timing: for a grading, an answer."""
        from courseware.models import Submission

        if kind == "grading":
            self.submitter.submit(self.turn)
            latest = Submission.objects.filter(attempt__learner=self.submitter.user).latest("pk")
            self.queued = latest.pk

    def check(self, kind: str, response) -> None:
        """No 4xx or 5xx; a grading recorded."""
        from courseware.models import Submission

        if kind == "grading":
            assert Submission.objects.get(pk=self.queued).status == "graded", self.queued
        else:
            assert response.status_code < 400, (kind, response.status_code, response.content[:300])

    def request(self, kind: str):
        from courseware.tasks import grade_submission

        self.turn += 1
        client = self.reader.client
        if kind == "grading":
            return grade_submission.apply((self.queued, 1))
        if kind == "course":
            return client.get("/courses/load/")
        if kind == "exercise":
            return client.get(f"/courses/load/exercises/{EXERCISES[self.turn % 4]}/")
        if kind == "preview":
            return client.post("/api/v1/preview", PREVIEW, content_type="application/json")
        if kind == "submit":
            return self.submitter.submit(self.turn)
        if kind == "verdict":
            return client.get(f"/submissions/{self.submission_id}/")
        return client.get(
            f"/api/v1/submissions/{self.submission_id}", HTTP_AUTHORIZATION=f"Bearer {self.key}"
        )


def new_key(user) -> str:
    try:
        from api.keys import create_key
    except ImportError:  # the earlier release kept keys in lms/
        from lms.keys import create_key
    return create_key(user, "bench").key


def timed(mix: Mix, kind: str, count: int) -> float:
    """CPU ms per request over `count` requests of `kind` (each checked)."""
    spent = 0.0
    for _ in range(count):
        mix.prepare(kind)
        started = time.process_time()
        response = mix.request(kind)
        spent += time.process_time() - started
        mix.check(kind, response)
    return spent / count * 1000


def queries(mix: Mix, kind: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mix.prepare(kind)
    with CaptureQueriesContext(connection) as captured:
        mix.request(kind)
    return len(captured)


def measure(rounds: int, per_round: int) -> dict:
    mix = Mix()
    for kind in KINDS:  # warm every cache a long-running web process would have warm
        timed(mix, kind, 3)
    found: dict[str, dict] = {kind: {"rounds": []} for kind in KINDS}
    for _ in range(rounds):
        for kind in KINDS:
            found[kind]["rounds"].append(timed(mix, kind, per_round))
    for kind in KINDS:
        found[kind]["queries"] = queries(mix, kind)
    return found


def profile(kind: str, count: int) -> None:
    import cProfile
    import pstats

    mix = Mix()
    timed(mix, kind, 5)
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    timed(mix, kind, count)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("cumulative")
    stats.print_stats(40)
    stats.print_stats(r"^(?!.*site-packages)", 50)  # the project's own functions


def setup_django() -> None:
    sys.path[0] = os.getcwd()  # the tree measured, not bench/ (this file would shadow `requests`)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tangent.settings")
    import django

    django.setup()


# ---- the comparison ----


def mix(result: dict) -> float:
    median = {kind: statistics.median(result[kind]["rounds"]) for kind in MIX}
    return sum(median[kind] * weight for kind, weight in MIX.items()) / sum(MIX.values())


def report(runs: dict[str, dict]) -> None:
    """A column of CPU ms and queries per tree; each base's ratio is this tree's over the base's."""
    this, bases = runs["this"], {name: result for name, result in runs.items() if name != "this"}
    header = f"{'kind':<16}{'this: CPU ms':>14}{'queries':>9}"
    for name in bases:
        header += f"{name + ': CPU ms':>16}{'queries':>9}{'this/' + name:>12}"
    print(header)
    for kind in [*KINDS, "mix"]:
        cpu = mix(this) if kind == "mix" else statistics.median(this[kind]["rounds"])
        line = f"{kind:<16}{cpu:>14.1f}{this[kind]['queries'] if kind != 'mix' else '':>9}"
        for base in bases.values():
            was = mix(base) if kind == "mix" else statistics.median(base[kind]["rounds"])
            queried = base[kind]["queries"] if kind != "mix" else ""
            line += f"{was:>16.1f}{queried:>9}{cpu / was:>11.2f}×"
        print(line)
    weights = ", ".join(f"{kind} {weight:g}" for kind, weight in MIX.items())
    print(f"(mix: CPU per request weighted as a learner's pass makes them: {weights})")


def merged(results: list[dict]) -> dict:
    return {
        kind: {
            "rounds": [r for result in results for r in result[kind]["rounds"]],
            "queries": results[-1][kind]["queries"],
        }
        for kind in KINDS
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", action="append", default=[],
                        help="a worktree of an earlier release (repeat for several)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=3, help="rounds per run (each tree, 2 runs)")
    parser.add_argument("--per-round", type=int, default=20, help="requests of a kind per round")
    parser.add_argument("--profile", choices=KINDS, help="profile one kind in this tree")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        setup_django()
        print(json.dumps(measure(args.measure, args.per_round)))
        return 0
    database = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tangent_bench")
    prefix = os.environ.get("TANGENT_REDIS_PREFIX", "bench:")
    trees = {"this": (ROOT, environment(ROOT, database, prefix + "this:"))}
    if args.profile:
        os.environ.update(trees["this"][1])
        os.chdir(ROOT)
        setup_django()
        profile(args.profile, args.per_round * 2)
        return 0
    for number, base in enumerate(map(Path, args.base), 1):
        name = "base" if number == 1 else f"base{number}"
        trees[name] = (base, environment(base, f"{database}_{name}", f"{prefix}{name}:"))
    for tree, env in trees.values():
        prepare(tree, env)
    results: dict[str, list[dict]] = {name: [] for name in trees}
    for _ in range(2):  # alternate, so a busy spell of the machine falls on both
        for name, (tree, env) in trees.items():
            results[name].append(measure_tree(tree, env, args.rounds, args.per_round))
    report({name: merged(found) for name, found in results.items()})
    forget_queued(os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"), prefix, list(trees))
    return 0


def forget_queued(redis_url: str, prefix: str, trees: list[str]) -> None:
    """Delete the run's keys (the gradings it queued and no worker takes, its caches)."""
    import redis

    client = redis.Redis.from_url(redis_url)
    for tree in trees:
        for key in client.scan_iter(match=f"{prefix}{tree}:*", count=1000):
            client.delete(key)


if __name__ == "__main__":
    sys.exit(main())
