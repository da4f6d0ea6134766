"""`make load`: simulated learners against the production setup on 127.0.0.1.

Starts gunicorn, Celery workers (with the sandbox) and beat on a fresh database (PostgreSQL when
127.0.0.1:5432 answers, else SQLite) and a Redis of its own, then runs two phases:

1. a class at work: N learners log in, open pages, preview, submit expression, matrix, choice
   and code answers and wait for the verdict as the page does (listening on the push service,
   tangent/events.py, then fetching the verdict; polling with --no-push), with think times of a
   learner at work (10-40 s to read and answer an exercise, 5-15 s to read the feedback);
2. a deadline rush: R submissions arriving within 60 s, a quarter of each kind (expression,
   matrix, choice, code), each from an open page;
3. with --slow-lms S, the same rush again through the REST API, each outcome sent by webhook to a
   local receiver that takes S seconds to answer (bench/slow_lms.py).

Prints requests/s, graded/s, page latency p50/p95/p99, submit-to-verdict latency, errors and 429s,
where the CPU went (and the web's CPU per request), and writes the queue depth over time as an SVG
plot beside a JSON summary in var/load/. Everything it starts it stops; it talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cryptography.fernet import Fernet

from courseware.plots import chart_svg
from tangent.embedded_redis import free_port, start_redis, stop
from tangent.queues import DELIVERY, GRADING_QUEUES

PASSWORD = "load-test-password-1"
# What `page latency` leaves out.
NOT_PAGES = ("submit", "log in", "fragment", "api submit", "api list")
GIVE_UP = 300.0  # seconds without a verdict before a submission counts as an error
SAFETY_SECONDS = 60.0  # the page gives up a listen that says nothing this long, and fetches
CHECK_SECONDS = 300.0  # the page fetches anyway after listening this long
RIGHT_D_SIGMA = (
    "import numpy as np\n\ndef d_sigma(z):\n    s = 1 / (1 + np.exp(-z))\n    return s * (1 - s)\n"
)


def database_url(run: str) -> str:
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
        return f"postgres://postgres@127.0.0.1:5432/tangent_load_{run}"
    except OSError:
        return f"sqlite:///{ROOT / 'var' / 'load' / f'load-{run}.sqlite3'}"


def drop_database(url: str) -> None:
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"DROP DATABASE IF EXISTS {name}"],
                       capture_output=True)  # fmt: skip


def django(env: dict, code: str) -> str:
    setup = "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tangent.settings'; django.setup()\n"
    result = subprocess.run(
        [sys.executable, "-c", setup + code], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(result.stderr[-2000:])
    return result.stdout


def prepare(env: dict, learners: int) -> None:
    if env["DATABASE_URL"].startswith("postgres"):
        name = env["DATABASE_URL"].rsplit("/", 1)[1]
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-c", f"CREATE DATABASE {name}"], check=True,
                       capture_output=True)  # fmt: skip
    for command in (["migrate", "--noinput", "-v0"], ["load_exercises"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    django(
        env,
        f"""
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from courseware.models import Course, Membership
course, _ = Course.objects.get_or_create(slug="load", defaults={{"title": "Load", "open_enrolment": True}})
hashed = make_password({PASSWORD!r})
users = User.objects.bulk_create([User(username=f"l{{i}}", password=hashed) for i in range({learners})])
Membership.objects.bulk_create([Membership(user=u, course=course) for u in users])
""",
    )


TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu() -> dict[str, float]:
    """CPU seconds (user + system, with reaped children) per session id ("s<sid>"), per process
    ("p<pid>"), and PostgreSQL's in all ("postgres")."""
    found: dict[str, float] = defaultdict(float)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            head, tail = (entry / "stat").read_text().rsplit(")", 1)
        except OSError:
            continue
        fields = tail.split()
        seconds = sum(int(v) for v in fields[11:15]) / TICKS
        if head.endswith("(postgres"):
            found["postgres"] += seconds
        else:
            found[f"s{fields[3]}"] += seconds
            found[f"p{entry.name}"] = seconds
    return found


class CpuMeter:
    """Where the machine's CPU went during a phase: web, grading workers (with beat), the delivery
    worker, the push service, PostgreSQL, Redis, the client."""

    def __init__(self, stack: Stack, redis_pid: int):
        self.groups = {
            "web": [f"s{stack.web.pid}"],
            "workers": [f"s{p.pid}" for p in (*stack.workers, stack.beat)],
            "delivery": [f"s{stack.delivery.pid}"],
            **({"push": [f"s{stack.push.pid}"]} if stack.push else {}),
            "postgres": ["postgres"],
            "redis": [f"p{redis_pid}"],
        }
        self.start = self.sample()

    def sample(self) -> dict[str, float]:
        found = process_cpu()
        used = {name: sum(found.get(k, 0.0) for k in keys) for name, keys in self.groups.items()}
        own = resource.getrusage(resource.RUSAGE_SELF)
        used["load client"] = own.ru_utime + own.ru_stime
        return used

    def used(self) -> dict[str, float]:
        """CPU seconds per part since the meter started (or last reported), then restarts it."""
        now = self.sample()
        spent = {name: round(now[name] - self.start[name], 1) for name in now}
        self.start = now
        return spent


def stack_env(run: str, redis_url: str, name: str, events_url: str = "", **extra: str) -> dict:
    """The stack's environment: production settings on 127.0.0.1, a fresh database and Redis
    prefix, rate limits on log-ins out of the way (`TANGENT_RATE_LIMITS` in `extra` replaces
    them); push to `events_url` ("": pages poll)."""
    limits = json.dumps({"login": [100000, 300], "signup": [100000, 3600]})
    # Secrets at rest (API keys' callback secrets, webhook secrets) need a key in production mode.
    keys = os.environ.get("TANGENT_ENCRYPTION_KEYS") or Fernet.generate_key().decode()
    return {**os.environ, "DATABASE_URL": database_url(run), "REDIS_URL": redis_url,
            "TANGENT_REDIS_PREFIX": f"tangent-{name}-{run}:", "TANGENT_MODE": "production",
            "SECRET_KEY": uuid.uuid4().hex * 2, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "TANGENT_ENV_FILE": "/nonexistent",
            "LOG_LEVEL": "WARNING", "ACCESS_LOG_LEVEL": "WARNING", "TANGENT_ENCRYPTION_KEYS": keys,
            "TANGENT_EVENTS_URL": events_url, "TANGENT_RATE_LIMITS": limits, **extra}  # fmt: skip


class Stack:
    """gunicorn, Celery workers for the grading queues (grading, code), a delivery worker (its
    own threads, as in production: tangent/queues.py), beat and, given its port, the push service
    (uvicorn); stopped together."""

    def __init__(self, env: dict, port: int, workers: int, log_dir: Path, web: tuple[int, int],
                 events_port: int | None = None):  # fmt: skip
        self.processes: list[subprocess.Popen] = []

        def start(name: str, *command: str) -> subprocess.Popen:
            process = subprocess.Popen(
                [sys.executable, "-m", *command], cwd=ROOT, env=env, start_new_session=True,
                stdout=(log_dir / f"{name}.log").open("w"), stderr=subprocess.STDOUT)  # fmt: skip
            self.processes.append(process)
            return process

        quiet = ("--loglevel", "WARNING", "--without-gossip", "--without-mingle")
        self.web = start("web", "gunicorn", "tangent.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(web[0]),
                         "--threads", str(web[1]), "--worker-class", "gthread", "--timeout", "60")  # fmt: skip
        self.workers = [
            start(f"worker{i}", "celery", "-A", "tangent", "worker", "--concurrency", "1",
                  "--queues", ",".join(GRADING_QUEUES), "--hostname", f"load{i}@%h", *quiet)
            for i in range(workers)
        ]  # fmt: skip
        self.delivery = start(
            "delivery", "tangent.worker", DELIVERY, "--hostname", "load-delivery@%h", *quiet
        )
        self.beat = start("beat", "celery", "-A", "tangent", "beat", "--loglevel", "WARNING",
                          "--schedule", str(log_dir / "beat-schedule"))  # fmt: skip
        self.push = None
        if events_port:
            self.push = start("events", "uvicorn", "tangent.events:application", "--host", "127.0.0.1",
                              "--port", str(events_port), "--log-level", "warning")  # fmt: skip

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.pages: list[tuple[float, float]] = []  # (seconds since the start, latency) per page
        self.statuses: dict[int, int] = defaultdict(int)
        self.submitted: list[int] = []  # the ids of the submissions accepted (202)
        self.verdict_wait: list[float] = []
        # What each wait on the push service ended with ("graded", "progress", "safety", …).
        self.listens: dict[str, int] = defaultdict(int)
        self.errors: list[str] = []
        self.started = time.monotonic()

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latency[kind].append(seconds)
            self.statuses[status] += 1
            if kind not in NOT_PAGES:
                self.pages.append((time.monotonic() - self.started - seconds, seconds))

    def page_p95_by_window(self, window: float = 10) -> list[tuple[float, float]]:
        """(window start, p95 page latency in ms) for each `window` seconds that saw pages."""
        windows: dict[int, list[float]] = defaultdict(list)
        for at, seconds in self.pages:
            windows[int(at // window)].append(seconds)
        return [(i * window, percentile(v, 95) * 1000) for i, v in sorted(windows.items())]


def listen(events_url: str, headers: dict | None = None, timeout: float = SAFETY_SECONDS) -> str:
    """Wait on a submission's events link as the page's EventSource does: the event's name
    ("graded", "progress", "timeout"); "safety" when nothing came within `timeout` (the page
    then fetches anyway); "unavailable" when the service refused or could not be reached (the
    page then polls)."""
    url = urlsplit(events_url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    try:
        accept = {"Accept": "text/event-stream"}
        connection.request("GET", url.path, headers={**accept, **(headers or {})})
        response = connection.getresponse()
        if response.status != 200:
            return "unavailable"
        while line := response.readline():
            if line.startswith(b"event: "):
                return line[len(b"event: ") :].strip().decode()
        return "closed"
    except TimeoutError:
        return "safety"
    except (OSError, http.client.HTTPException):
        return "unavailable"
    finally:
        connection.close()


class Learner:
    """One simulated learner: a browser-like session over one keep-alive connection (or, with a
    `token`, an API client sending its key)."""

    def __init__(self, port: int, name: str, stats: Stats, token: str = ""):
        self.port, self.name, self.stats, self.token = port, name, stats, token
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(
        self, kind: str, method: str, path: str, body=None, json_body=None
    ) -> tuple[int, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Host": "127.0.0.1",
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            data = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        if "csrftoken" in self.cookies:
            headers["X-CSRFToken"] = self.cookies["csrftoken"]
        started = time.monotonic()
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (OSError, http.client.HTTPException) as error:
                self.connection.close()
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    self.stats.errors.append(f"{kind}: {error}")
                    return 0, ""
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        self.stats.add(kind, time.monotonic() - started, response.status)
        if response.status >= 500:
            self.stats.errors.append(f"{kind} {path}: {response.status}")
        return response.status, text

    def log_in(self) -> None:
        self.request("login page", "GET", "/accounts/login/")
        status, _ = self.request(
            "log in",
            "POST",
            "/accounts/login/",
            {
                "username": self.name,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            },
        )
        if status != 302:
            self.stats.errors.append(f"log in {self.name}: {status}")

    def open_exercise(self, slug: str) -> tuple[str, str]:
        """Open an exercise page; returns the attempt id its answer form carries, and the page."""
        _, page = self.request("exercise page", "GET", f"/courses/load/exercises/{slug}/")
        attempt = re.search(r'name="attempt" value="(\d+)"', page)
        return (attempt.group(1) if attempt else ""), page

    def tab(self) -> Learner:
        """Another browser tab of the same learner: same cookies, its own connection."""
        other = Learner(self.port, self.name, self.stats)
        other.cookies = self.cookies
        return other

    def submit(self, slug: str, attempt: str, fields: dict, push: bool = True) -> float | None:
        """Submit from the open page, then wait as the page does until the verdict shows: listen
        on the events link the fragment gives and fetch the fragment on an event (or after the
        silence it allows), else (no link, push unavailable, or not `push`) fetch it at
        the interval it sets. Returns the seconds from sending to holding the verdict."""
        body = {
            "attempt": attempt,
            "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
            **fields,
        }
        sent = time.monotonic()
        status, fragment = self.request(
            "submit", "POST", f"/courses/load/exercises/{slug}/submit/", body
        )
        found = re.search(r'data-fragment="(/submissions/(\d+)/)"', fragment)
        if status != 202 or not found:
            if status not in (409, 422, 429):
                self.stats.errors.append(f"submit {slug}: {status}")
            return None
        with self.stats.lock:
            self.stats.submitted.append(int(found.group(2)))
        while "grading done" not in fragment:
            if time.monotonic() - sent > GIVE_UP:
                self.stats.errors.append(
                    f"submission {found.group(2)} not graded in {GIVE_UP:.0f} s"
                )
                return None
            self.wait_for_change(fragment, push)
            _, fragment = self.request("fragment", "GET", found.group(1))
        seconds = time.monotonic() - sent
        with self.stats.lock:
            self.stats.verdict_wait.append(seconds)
        return seconds

    def wait_for_change(self, fragment: str, push: bool) -> None:
        """Until the pending fragment is worth fetching again, as the page decides."""
        events = re.search(r'data-events="([^"]+)"', fragment)
        if push and events:
            heard = self.listen_until_worth_fetching(
                events.group(1).replace("&amp;", "&"), fragment
            )
            if heard != "unavailable":
                return
        delay = re.search(r'data-poll-ms="(\d+)"', fragment)  # the page's own polling interval
        time.sleep(int(delay.group(1)) / 1000 if delay else 1)

    def listen_until_worth_fetching(self, events_url: str, fragment: str) -> str:
        """Listen as the page does: again after each quiet end ("timeout"), until an event, a
        failure, a listen silent for the page's safety delay, or its check delay is up."""
        safety = re.search(r'data-safety-ms="(\d+)"', fragment)
        check = re.search(r'data-check-ms="(\d+)"', fragment)
        silent = int(safety.group(1)) / 1000 if safety else SAFETY_SECONDS
        check_at = time.monotonic() + (int(check.group(1)) / 1000 if check else CHECK_SECONDS)
        while (left := check_at - time.monotonic()) > 0:
            heard = listen(events_url, timeout=min(silent, left))
            with self.stats.lock:
                self.stats.listens[heard] += 1
            if heard != "timeout":
                return heard
        return "check"


ON_PAGE = object()  # a choice: one of the options the page shows (each under its own token)


def filled(fields: dict, page: str, rng: random.Random) -> dict:
    """The answer's fields, a choice picked among the options the page shows, as a learner would."""
    return {
        name: rng.choice(re.findall(rf'name="{name}" value="([^"]+)"', page) or [""])
        if value is ON_PAGE
        else value
        for name, value in fields.items()
    }


class Answer(NamedTuple):
    """One answer of the mix: the exercise, the page's form fields, the same answer for the API."""

    slug: str
    fields: dict
    api: dict


ANSWERS = [
    Answer("m1-chain-rule", {"part-answer": "2x cos(x^2)"}, {"value": "2x cos(x^2)"}),
    Answer("m1-graph-derivative-match", {"part-answer": ON_PAGE}, {"choices": ["derivative"]}),
    Answer("m2-jacobian", {"part-answer-rows": "2", "part-answer-columns": "2", "part-answer-0-0": "2x y + 3",
                           "part-answer-0-1": "x^2", "part-answer-1-0": "cos(x)", "part-answer-1-1": "2y"},
           {"matrix": [["2x y + 3", "x^2"], ["cos(x)", "2y"]]}),
    Answer("m3-d-sigma", {"part-code": RIGHT_D_SIGMA}, {"code": RIGHT_D_SIGMA}),
]  # fmt: skip
PREVIEWED = {"m1-chain-rule": "2x cos(x^2)"}
# A learner reads the prompt and works the answer out (previewing expressions as they type), then
# submits and reads the feedback: seconds, drawn uniformly.
WORKING = (10, 40)
READING_FEEDBACK = (5, 15)


def pause(seconds: float, until: float) -> None:
    time.sleep(max(0.0, min(seconds, until - time.monotonic())))


def learner_life(learner: Learner, until: float) -> None:
    rng = random.Random(learner.name)
    while time.monotonic() < until:
        learner.request("course page", "GET", "/courses/load/")
        slug, fields, _ = rng.choice(ANSWERS)
        attempt, page = learner.open_exercise(slug)
        working = rng.uniform(*WORKING)
        if slug in PREVIEWED:
            text = PREVIEWED[slug]
            for end in (len(text) // 3, 2 * len(text) // 3, len(text)):
                pause(working / 3, until)
                learner.request("preview", "POST", "/api/v1/preview",
                                json_body={"exercise": slug, "value": text[:end]})  # fmt: skip
        else:
            pause(working, until)
        if time.monotonic() >= until:
            return
        learner.submit(slug, attempt, filled(fields, page, rng))
        pause(rng.uniform(*READING_FEEDBACK), until)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def queue_sampler(redis_url: str, prefix: str, samples: list, stop_event: threading.Event) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    started = time.monotonic()
    while not stop_event.is_set():
        try:
            depth = sum(client.llen(f"{prefix}{queue}") for queue in GRADING_QUEUES)
            samples.append((time.monotonic() - started, depth))
        except redis.RedisError:
            pass
        stop_event.wait(1)


def report(
    stats: Stats, seconds: float, title: str, cpu: dict[str, float], waited: bool = True
) -> dict:
    """Print and return a phase's figures; `waited`: its clients waited for the verdicts."""
    pages = [seconds for _, seconds in stats.pages]
    requests = sum(len(v) for v in stats.latency.values())
    summary = {
        "phase": title,
        "seconds": round(seconds, 1),
        "requests_per_s": round(requests / seconds, 1),
        "submitted": len(stats.submitted),
        "graded": len(stats.verdict_wait),
        "graded_per_s": round(len(stats.verdict_wait) / seconds, 2),
        "page_ms": {p: round(percentile(pages, p) * 1000, 1) for p in (50, 95, 99)},
        "verdict_s": {p: round(percentile(stats.verdict_wait, p), 2) for p in (50, 95, 99)},
        "push_waits": dict(stats.listens),
        "status_429": stats.statuses.get(429, 0),
        "errors": len(stats.errors),
        "first_errors": stats.errors[:5],
        "cpu_seconds": cpu,
        "web_cpu_ms_per_request": round(cpu["web"] * 1000 / requests, 1) if requests else None,
        "page_p95_ms_per_10_s": stats.page_p95_by_window(),
        "ms_by_kind": {
            kind: [round(percentile(values, p) * 1000, 1) for p in (50, 95)]
            for kind, values in sorted(stats.latency.items())
        },
    }
    print(f"\n{title}")
    print(f"  {requests} requests in {seconds:.0f} s: {summary['requests_per_s']} requests/s")
    if waited:
        print(
            f"  graded {summary['graded']} of {summary['submitted']} accepted ({summary['graded_per_s']}/s)"
        )
    else:
        print(f"  accepted {summary['submitted']} (the client does not wait for the verdicts)")
    if stats.pages:  # a rush opens no pages: its tabs are open already
        print(
            f"  page latency p50/p95/p99: {summary['page_ms'][50]} / {summary['page_ms'][95]} / {summary['page_ms'][99]} ms"
        )
    if waited and stats.verdict_wait:
        print(
            f"  submit-to-verdict p50/p95/p99: {summary['verdict_s'][50]} / {summary['verdict_s'][95]} / {summary['verdict_s'][99]} s"
        )
    if stats.listens:
        heard = ", ".join(f"{event} {count}" for event, count in sorted(stats.listens.items()))
        print(f"  waits on the push service ended with: {heard}")
    print(
        f"  429 responses: {summary['status_429']}, errors: {summary['errors']} {summary['first_errors']}"
    )
    kinds = ", ".join(f"{kind} {p50}/{p95}" for kind, (p50, p95) in summary["ms_by_kind"].items())
    print(f"  p50/p95 ms by request: {kinds}")
    if stats.pages:
        timeline = " ".join(f"{p95:.0f}" for _, p95 in stats.page_p95_by_window())
        print(f"  page p95 ms per 10 s: {timeline}")
    parts = ", ".join(f"{name} {value}" for name, value in cpu.items())
    print(f"  CPU seconds ({os.cpu_count()} cores × {seconds:.0f} s): {parts}")
    print(f"  web CPU per request: {summary['web_cpu_ms_per_request']} ms")
    return summary


def rush_plan(learners: int, submissions: int) -> list[tuple[int, Answer]]:
    """Who sends which answer in the rush, in order of arrival: each kind of answer in an equal
    share (a quarter code), shuffled, the learners in turn."""
    answers = [ANSWERS[i % len(ANSWERS)] for i in range(submissions)]
    random.Random(1).shuffle(answers)
    return [(i % learners, answer) for i, answer in enumerate(answers)]


def arrivals(count: int, seconds: float, one: Callable[[int], None]) -> float:
    """Run one(i) in a thread of its own at i × seconds / count from now (threads start as they
    are due, so a rush holds only those still waiting); the seconds until all have returned."""
    started = time.monotonic()
    threads = []
    for i in range(count):
        time.sleep(max(0.0, started + i * seconds / count - time.monotonic()))
        thread = threading.Thread(target=one, args=(i,))
        thread.start()
        threads.append(thread)
    for thread in threads:
        thread.join()
    return time.monotonic() - started


RUSH_SECONDS = 60


def open_pages(learners: list[Learner], plan: list[tuple[int, Answer]], width: int) -> dict:
    """At the deadline every learner has the quiz's exercises open in tabs: each (learner,
    exercise) of the plan's page and its attempt, opened `width` at a time beforehand."""
    keys = {(learners[who].name, answer.slug): learners[who] for who, answer in plan}
    with ThreadPoolExecutor(width) as pool:
        pages = pool.map(lambda key: keys[key].tab().open_exercise(key[1]), keys)
        return dict(zip(keys, pages, strict=True))


def page_rush(learners: list[Learner], plan: list[tuple[int, Answer]], opened: dict) -> Stats:
    """The plan's answers within RUSH_SECONDS, each submitted from its own tab of the open page."""
    rush = Stats()

    def one(i: int) -> None:
        who, (slug, fields, _) = plan[i]
        tab = learners[who].tab()
        tab.stats = rush
        attempt, page = opened[(tab.name, slug)]
        tab.submit(slug, attempt, filled(fields, page, random.Random(i)))

    arrivals(len(plan), RUSH_SECONDS, one)
    return rush


def raise_open_files() -> None:
    """Every learner, tab and push listener holds a socket: lift the soft limit on open files to
    the hard one (the stack's processes, started after, inherit it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--duration", type=float, default=120, help="seconds of the class phase")
    parser.add_argument(
        "--rush", type=int, default=2000, help="submissions in the deadline rush (0 to skip)"
    )
    parser.add_argument(
        "--push",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the push service and wait for verdicts on it, as `make run` does (default); "
        "--no-push: pages poll",
    )
    parser.add_argument(
        "--slow-lms",
        type=float,
        default=0,
        metavar="SECONDS",
        help="after the rush, the same rush through the REST API with its webhook at a local "
        "receiver that takes SECONDS to answer (0: skip)",
    )
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--web-processes", type=int, default=2, help="gunicorn processes")
    parser.add_argument("--web-threads", type=int, default=8, help="threads per gunicorn process")
    args = parser.parse_args()
    if args.slow_lms and not args.rush:
        parser.error("--slow-lms runs the rush again: it needs --rush above 0")
    from bench import slow_lms

    raise_open_files()
    run = uuid.uuid4().hex[:8]
    out = ROOT / "var" / "load" / run
    out.mkdir(parents=True, exist_ok=True)
    redis_process, redis_url = start_redis(out / "redis")
    port, events_port = free_port(), (free_port() if args.push else None)
    events_url = f"http://127.0.0.1:{events_port}/events" if events_port else ""
    receiver = slow_lms.Receiver(args.slow_lms) if args.slow_lms else None
    env = stack_env(run, redis_url, "load", events_url, **(slow_lms.ENV if receiver else {}))
    stack = None
    samples: list[tuple[float, int]] = []
    stop_sampling = threading.Event()
    summaries = []
    width = args.web_processes * args.web_threads  # requests the web serves at once
    try:
        print(
            f"Preparing {args.learners} learners on {env['DATABASE_URL'].split('@')[-1]} …",
            flush=True,
        )
        prepare(env, args.learners)
        api_key = slow_lms.prepare(env, args.learners, receiver.url) if receiver else ""
        stack = Stack(
            env, port, args.workers, out, (args.web_processes, args.web_threads), events_port
        )
        wait_for_site(port)
        threading.Thread(
            target=queue_sampler, args=(env["REDIS_URL"], env["TANGENT_REDIS_PREFIX"], samples, stop_sampling),
            daemon=True,
        ).start()  # fmt: skip

        stats = Stats()
        learners = [Learner(port, f"l{i}", stats) for i in range(args.learners)]
        # Log-ins first (PBKDF2 is deliberately slow): a class arrives over minutes, not all at
        # once. As many at a time as the web serves; the hashing is bound by its CPU.
        started = time.monotonic()
        with ThreadPoolExecutor(width) as pool:
            list(pool.map(Learner.log_in, learners))
        print(f"{args.learners} log-ins in {time.monotonic() - started:.0f} s", flush=True)
        if stats.errors:
            print(f"  log-in errors: {len(stats.errors)} {stats.errors[:3]}", flush=True)
        stats = Stats()  # the class phase's own figures, without the log-ins
        for learner in learners:
            learner.stats = stats
        cpu = CpuMeter(stack, redis_process.pid)
        until = time.monotonic() + args.duration
        threads = [
            threading.Thread(target=learner_life, args=(learner, until)) for learner in learners
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
            time.sleep(args.duration / 4 / len(threads))  # ramp up over the first quarter
        for thread in threads:
            thread.join()
        push = "push" if args.push else "polling"
        summaries.append(
            report(stats, time.monotonic() - started, f"Class: {args.learners} learners ({push})", cpu.used())
        )  # fmt: skip

        if args.rush:
            plan = rush_plan(args.learners, args.rush)
            opened = open_pages(learners, plan, width)
            cpu.used()
            started = time.monotonic()
            rush = page_rush(learners, plan, opened)
            title = f"Deadline rush: {args.rush} submissions in {RUSH_SECONDS} s, a quarter code ({push})"
            summaries.append(report(rush, time.monotonic() - started, title, cpu.used()))
            if receiver:
                summaries.append(slow_lms.compare(env, port, api_key, plan, receiver, rush, cpu))
    finally:
        stop_sampling.set()
        if stack:
            stack.stop()
        if receiver:
            receiver.stop()
        stop(redis_process)
        drop_database(env["DATABASE_URL"])
    if not summaries:
        return 1
    figure = {
        "title": "Grading queue depth",
        "x_label": "seconds",
        "y_label": "submissions queued",
        "series": [{"label": "queue depth", "style": "line", "points": samples}],
    }
    (out / "queue-depth.svg").write_text(chart_svg(figure))
    latency = {
        "title": "Page latency, p95 per 10 s (class phase)",
        "x_label": "seconds",
        "y_label": "ms",
        "series": [
            {"label": "p95", "style": "line", "points": summaries[0]["page_p95_ms_per_10_s"]}
        ],
    }
    (out / "page-latency.svg").write_text(chart_svg(latency))
    (out / "summary.json").write_text(
        json.dumps({"push": args.push, "summaries": summaries, "queue_depth": samples}, indent=1)
    )
    print(f"\nQueue depth plot and summary: {out}")
    return 0


def wait_for_site(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/health", headers={"Host": "127.0.0.1"})
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("the web server did not start")


if __name__ == "__main__":
    sys.exit(main())
