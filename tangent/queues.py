"""The Celery queues, what runs on each and how its workers are set up.

- `grading`: expressions, numbers, matrices, choices and the Sandpit (milliseconds of CPU each),
  and the sweeper;
- `code`: Python answers, run in the sandbox (seconds each, memory-hungry);
- `delivery`: outbound HTTP to LMSs and webhook receivers (waiting on the network), the outbox
  fan-out, and the announcement of gradings whose "graded" was lost (never behind a rush's
  backlog of answers).

A slow LMS fills only the delivery queue and a rush of code answers only the code queue, so
neither takes grading capacity from the other. Each queue has its own workers (`python -m
tangent.worker <queue>`), scaled on its own depth; the settings below are their defaults,
overridden per deployment with TANGENT_<QUEUE>_CONCURRENCY and TANGENT_<QUEUE>_PREFETCH.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tangent.environment import env

GRADING, CODE, DELIVERY = "grading", "code", "delivery"


@dataclass(frozen=True)
class QueueSettings:
    concurrency: int  # processes (prefork) or threads per worker
    prefetch: int  # messages a process reserves ahead (Celery's prefetch multiplier)
    soft_time_limit: int  # seconds before the task is asked to stop
    time_limit: int  # seconds before its process is killed
    pool: str = "prefork"


QUEUES = {
    GRADING: QueueSettings(concurrency=2, prefetch=4, soft_time_limit=60, time_limit=90),
    CODE: QueueSettings(concurrency=2, prefetch=1, soft_time_limit=90, time_limit=120),
    DELIVERY: QueueSettings(
        concurrency=8, prefetch=1, soft_time_limit=30, time_limit=45, pool="threads"
    ),
}
GRADING_QUEUES = (GRADING, CODE)

# Where each task goes unless its sender names a queue (a code answer's grading names `code`).
ROUTES = {
    "courseware.tasks.announce_missed_gradings": {"queue": DELIVERY},  # a name before a pattern
    "courseware.tasks.*": {"queue": GRADING},
    "courseware.staff.tasks.*": {"queue": GRADING},
    "lms.tasks.*": {"queue": DELIVERY},
}


def for_kinds(kinds: Iterable[str]) -> str:
    """The queue that grades an exercise with these answer kinds."""
    return CODE if "code" in set(kinds) else GRADING


def settings_for(queue: str) -> QueueSettings:
    default = QUEUES[queue]
    name = queue.upper()
    return QueueSettings(
        concurrency=int(env(f"TANGENT_{name}_CONCURRENCY", "") or default.concurrency),
        prefetch=int(env(f"TANGENT_{name}_PREFETCH", "") or default.prefetch),
        soft_time_limit=default.soft_time_limit,
        time_limit=default.time_limit,
        pool=default.pool,
    )


def worker_arguments(queues: list[str], hostname: str | None = None) -> list[str]:
    """`celery worker` arguments for a worker of these queues (one queue in production; several
    in one process for development and the tests, sized by the first)."""
    unknown = sorted(set(queues) - set(QUEUES))
    if not queues or unknown:
        raise ValueError(f"unknown queue {unknown[0] if unknown else ''!r}; the queues: "
                         f"{', '.join(QUEUES)}")  # fmt: skip
    first = settings_for(queues[0])
    limits = [settings_for(q) for q in queues]
    arguments = [
        "worker",
        "--queues", ",".join(queues),
        "--pool", first.pool,
        "--concurrency", str(first.concurrency),
        "--prefetch-multiplier", str(first.prefetch),
        "--soft-time-limit", str(max(s.soft_time_limit for s in limits)),
        "--time-limit", str(max(s.time_limit for s in limits)),
    ]  # fmt: skip
    if hostname:
        arguments += ["--hostname", hostname]
    return arguments
