"""Submit-to-verdict latency of symbolic answers, pushed against polled, on a live stack.

Starts what `make load` starts (gunicorn, a Celery worker with the sandbox, a delivery worker,
beat, the push service: uvicorn, tangent/events.py; a Redis of its own, a fresh database), logs one
learner in and submits an expression answer N times from the exercise page, one at a time, alternating:

- push: the page listens on the submission's events link and fetches the verdict on "graded";
- polling: the page asks for the verdict fragment at the interval the server sets (data-poll-ms).

Prints p50/p95/mean per way and their ratio, with the machine's load average. Everything it starts
it stops; it talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.load import (
    Learner,
    Stack,
    Stats,
    drop_database,
    percentile,
    prepare,
    stack_env,
    wait_for_site,
)
from tangent.embedded_redis import free_port, start_redis, stop

SLUG = "m1-chain-rule"
ANSWER = {"part-answer": "2x cos(x^2)"}


@contextlib.contextmanager
def live_stack(workers: int, name: str):
    """Yields (stack, web port, env, output directory): gunicorn, Celery, beat and the push
    service on a fresh database and Redis, with one learner ("l0") in the course "load"."""
    run = uuid.uuid4().hex[:8]
    out = ROOT / "var" / name / run
    out.mkdir(parents=True, exist_ok=True)
    redis_process, redis_url = start_redis(out / "redis")
    port, events_port = free_port(), free_port()
    limits = json.dumps({"login": [100000, 300], "submit": [100000, 60]})
    env = stack_env(
        run, redis_url, name, f"http://127.0.0.1:{events_port}/events", TANGENT_RATE_LIMITS=limits
    )
    stack = None
    try:
        print(f"Preparing the stack on {env['DATABASE_URL'].split('@')[-1]} …", flush=True)
        prepare(env, 1)
        stack = Stack(env, port, workers, out, (1, 4), events_port)
        wait_for_site(port)
        yield stack, port, env, out
    finally:
        if stack:
            stack.stop()
        stop(redis_process)
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--submissions", type=int, default=60, help="answers in all (half each way)"
    )
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    parser.add_argument("--gap", type=float, default=0.3, help="seconds between answers")
    args = parser.parse_args()

    stats = Stats()
    with live_stack(args.workers, "latency") as (_, port, _, _):
        learner = Learner(port, "l0", stats)
        learner.log_in()
        attempt, _ = learner.open_exercise(SLUG)
        load_before = os.getloadavg()[0]
        for _ in range(3):  # warm the worker and the connections
            learner.submit(SLUG, attempt, ANSWER)
        waits: dict[str, list[float]] = {"push": [], "polling": []}
        for i in range(args.submissions):
            way = "push" if i % 2 == 0 else "polling"
            seconds = learner.submit(SLUG, attempt, ANSWER, push=way == "push")
            if seconds is not None:
                waits[way].append(seconds)
            time.sleep(args.gap)
        load = (load_before, os.getloadavg()[0])
    title = f"Submit-to-verdict, symbolic answer ({SLUG}), one at a time, {args.workers} worker(s)"
    table(title, waits, load)
    if stats.errors:
        print(f"errors: {len(stats.errors)}, first: {stats.errors[0]}")
    return 1 if stats.errors else 0


if __name__ == "__main__":
    sys.exit(main())
