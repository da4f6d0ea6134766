"""API submit to graded, pushed against polled, on a live stack: symbolic answers, no browser.

Starts what `make load` starts (gunicorn, a Celery worker with the sandbox, beat) plus the push
service (uvicorn, tangent/events.py) on a fresh PostgreSQL database (when 127.0.0.1:5432
answers, as DATABASE_URL points there in CI and on developers' machines) and on the Redis of
REDIS_URL under a prefix of its own (a Redis of its own without it). An API client with a key
submits number, expression and matrix answers in turn (each wrong for every variant: the full
check, mistake rules included, runs), one at a time, alternating two ways of waiting:

- push: read the `events` link of the 202, listen with the key, GET the Location on "graded";
- polling: GET the Location every 0.4 s (the interval docs/api.md advises).

Prints p50/p95/mean from sending the POST to holding the graded submission, per kind and way,
the push way's submit-to-"graded"-heard, where the time went on the server (each grading's own
timestamps), and the machine's load average. Everything it starts it stops; it talks to
127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cryptography.fernet import Fernet

from bench.load import (
    Stack,
    database_url,
    django,
    drop_database,
    listen,
    percentile,
    prepare,
    wait_for_site,
)
from tangent.embedded_redis import free_port, start_redis, stop

# kind: (exercise, an API answer wrong for every variant of it)
SYMBOLIC = {
    "number": ("m6-chi2", {"value": "-1"}),  # χ² is a sum of squares
    "expression": ("m1-chain-rule", {"value": "2x cos(x^2)"}),  # every inner function has a parameter
    "matrix": ("m2-jacobian", {"matrix": [["2x y + 3", "x^2"], ["cos(x)", "2y"]]}),  # a x, not 3 x
}  # fmt: skip
POLL_SECONDS = 0.4
GIVE_UP = 120.0


class ApiClient:
    """An API client with a key, on one keep-alive connection."""

    def __init__(self, port: int, key: str):
        self.headers = {"Authorization": f"Bearer {key}", "Host": "127.0.0.1"}
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict, str]:
        """(status, JSON body, Location)"""
        headers = dict(self.headers)
        data = None
        if body is not None:
            data, headers["Content-Type"] = json.dumps(body), "application/json"
        self.connection.request(method, path, body=data, headers=headers)
        response = self.connection.getresponse()
        return (
            response.status,
            json.loads(response.read() or b"{}"),
            response.headers.get("Location", ""),
        )


class Timing:
    """One answer: seconds from the POST to holding the graded submission, to hearing "graded"
    (push only), and the submission's id."""

    def __init__(self, sent_at: float, seconds: float, heard: float | None, submission: int):
        self.sent_at, self.seconds, self.heard, self.submission = (
            sent_at,
            seconds,
            heard,
            submission,
        )


def submit_and_wait(client: ApiClient, kind: str, push: bool) -> Timing:
    exercise, answer = SYMBOLIC[kind]
    sent_at, sent = time.time(), time.monotonic()
    status, created, location = client.call(
        "POST", "/api/v1/submissions", {"exercise": exercise, "answer": answer}
    )
    if status != 202:
        raise RuntimeError(f"submit {kind}: {status} {created}")
    heard = None
    if push:
        event = listen(
            created["events"], {"Authorization": client.headers["Authorization"]}, timeout=GIVE_UP
        )
        heard = time.monotonic() - sent
        if event != "graded":
            raise RuntimeError(f"push: heard {event!r}")
    while True:
        if heard is None:
            time.sleep(POLL_SECONDS)
        _, submission, _ = client.call("GET", location)
        if submission["status"] in ("graded", "failed"):
            return Timing(sent_at, time.monotonic() - sent, heard, created["id"])
        if time.monotonic() - sent > GIVE_UP:
            raise RuntimeError(f"submission {created['id']} not graded in {GIVE_UP} s")


def live_env(run: str, redis_url: str, prefix: str, events_url: str) -> dict:
    """The stack's environment: production settings on 127.0.0.1, rate limits out of the way."""
    limits = {"login": [100000, 300], "submit": [100000, 60]}
    return {**os.environ, "DATABASE_URL": database_url(run), "REDIS_URL": redis_url,
            "TANGENT_REDIS_PREFIX": prefix, "TANGENT_MODE": "production",
            "SECRET_KEY": uuid.uuid4().hex * 2, "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false",
            "SESSION_COOKIE_SECURE": "false", "CSRF_COOKIE_SECURE": "false", "TANGENT_ENV_FILE": "/nonexistent",
            "LOG_LEVEL": "WARNING", "ACCESS_LOG_LEVEL": "WARNING",
            "TANGENT_ENCRYPTION_KEYS": os.environ.get("TANGENT_ENCRYPTION_KEYS") or Fernet.generate_key().decode(),
            "TANGENT_EVENTS_URL": events_url, "TANGENT_RATE_LIMITS": json.dumps(limits),
            "TANGENT_API_THROTTLE_PER_MINUTE": "1000000"}  # fmt: skip


@contextlib.contextmanager
def shared_or_own_redis(out: Path, prefix: str):
    """REDIS_URL's server (its keys under `prefix` deleted afterwards), or a Redis of our own."""
    url = os.environ.get("REDIS_URL")
    if not url:
        process, url = start_redis(out / "redis")
        try:
            yield url
        finally:
            stop(process)
        return
    import redis

    try:
        yield url
    finally:
        client = redis.Redis.from_url(url)
        keys = list(client.scan_iter(match=f"{prefix}*", count=500))
        if keys:
            client.delete(*keys)


@contextlib.contextmanager
def live_stack(workers: int, name: str):
    """Yields (stack, web port, env, output directory): gunicorn, Celery, beat and the push
    service on a fresh database and Redis, with one learner ("l0") in the course "load"."""
    run = uuid.uuid4().hex[:8]
    out = ROOT / "var" / name / run
    out.mkdir(parents=True, exist_ok=True)
    prefix = f"tangent-latency-{run}:"
    with shared_or_own_redis(out, prefix) as redis_url:
        port, events_port = free_port(), free_port()
        env = live_env(run, redis_url, prefix, f"http://127.0.0.1:{events_port}/events")
        stack = None
        try:
            where = f"{env['DATABASE_URL'].split('@')[-1]} and Redis {redis_url.split('@')[-1]}"
            print(f"Preparing the stack on {where} …", flush=True)
            prepare(env, 1)
            stack = Stack(env, port, workers, out, (1, 4), events_port=events_port)
            wait_for_site(port)
            yield stack, port, env, out
        finally:
            if stack:
                stack.stop()
            drop_database(env["DATABASE_URL"])


def table(title: str, waits: dict[str, list[float]], load: tuple[float, float]) -> None:
    """p50/p95/mean per way, the ratio of the second way to the first, the load average."""
    print(f"\n{title}")
    print(f"{'way':<10}{'n':>5}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for way, values in waits.items():
        if values:
            mean = sum(values) / len(values)
            print(f"{way:<10}{len(values):>5}{percentile(values, 50) * 1000:>10.0f}"
                  f"{percentile(values, 95) * 1000:>10.0f}{mean * 1000:>10.0f}")  # fmt: skip
    first, second = waits
    if waits[first] and waits[second]:
        for p in (50, 95):
            ratio = percentile(waits[second], p) / percentile(waits[first], p)
            print(f"{second} / {first} at p{p}: {ratio:.2f}×")
    print(f"load average (1 min) before / after: {load[0]:.2f} / {load[1]:.2f}")


def api_key(env: dict) -> str:
    """A key of the learner l0 (reads and submits as them)."""
    code = "from django.contrib.auth.models import User\nfrom api.keys import create_key\n"
    return django(
        env, code + "print(create_key(User.objects.get(username='l0'), 'bench').key)"
    ).strip()


def at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def where_the_time_went(client: ApiClient, timings: list[Timing]) -> None:
    """The push way's answers, split by the server's own timestamps (p50 / p95 ms)."""
    steps: dict[str, list[float]] = {
        "POST to stored": [], "stored to grading started": [], "grading": [],
        "graded to heard": [], "heard to verdict in hand": [],
    }  # fmt: skip
    for timing in timings:
        _, submission, _ = client.call("GET", f"/api/v1/submissions/{timing.submission}")
        _, result, _ = client.call("GET", f"/api/v1/results/{timing.submission}")
        stored, started = at(submission["created_at"]), at(result["timings"]["started_at"])
        finished = at(result["timings"]["finished_at"])
        heard = timing.sent_at + timing.heard
        for step, seconds in zip(steps, (
            stored - timing.sent_at, started - stored, finished - started, heard - finished,
            timing.seconds - timing.heard,
        ), strict=True):  # fmt: skip
            steps[step].append(seconds)
    print("\nWhere the push way's time went (server timestamps), p50 / p95 ms:")
    for step, values in steps.items():
        print(
            f"  {step:<28}{percentile(values, 50) * 1000:>7.1f} / {percentile(values, 95) * 1000:.1f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--submissions", type=int, default=120, help="answers in all (half each way)"
    )
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--gap", type=float, default=0.2, help="seconds between answers")
    args = parser.parse_args()

    with live_stack(args.workers, "latency") as (_, port, env, _):
        client = ApiClient(port, api_key(env))
        kinds = list(SYMBOLIC)
        for kind in kinds:  # warm the worker, the connections and each exercise's caches
            submit_and_wait(client, kind, push=True)
        load_before = os.getloadavg()[0]
        found: dict[str, dict[str, list[Timing]]] = {k: {"push": [], "polling": []} for k in kinds}
        for i in range(args.submissions):
            way = "push" if i % 2 == 0 else "polling"
            kind = kinds[(i // 2) % len(kinds)]
            found[kind][way].append(submit_and_wait(client, kind, push=way == "push"))
            time.sleep(args.gap)
        load = (load_before, os.getloadavg()[0])
        pushed = [t for ways in found.values() for t in ways["push"]]
        where_the_time_went(client, pushed)
    title = "API submit to graded submission in hand, {} answers (wrong), {} worker(s)"
    for kind, ways in {**found, "all symbolic": {
        way: [t for ways in found.values() for t in ways[way]] for way in ("push", "polling")
    }}.items():  # fmt: skip
        table(
            title.format(kind, args.workers),
            {w: [t.seconds for t in ts] for w, ts in ways.items()},
            load,
        )
    heard = [t.heard for t in pushed if t.heard is not None]
    print(f"\npush, submit to \"graded\" heard: p50 {percentile(heard, 50) * 1000:.0f} ms, "
          f"p95 {percentile(heard, 95) * 1000:.0f} ms")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
