"""Prometheus metrics, kept as events happen and exposed with prometheus_client.

Counters and histograms live in the shared Redis: every web and worker process, on any host, adds
to the same numbers when a grading is recorded, and any web process serves them. A scrape reads
a few hashes, the queues' lengths and the workers' heartbeats: its cost does not grow with the
number of submissions.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import redis
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    HistogramMetricFamily,
    Metric,
)
from prometheus_client.registry import Collector

from courseware.grading.workers import live_workers
from tangent import redis_client
from tangent.queues import QUEUES

BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, float("inf"))
COUNTERS = "metrics:counters"  # hash: "<metric>:<label value>" → count
HISTOGRAMS = "metrics:histograms"  # set of "<metric>:<label value>", each a hash of buckets


def _bucket(seconds: float) -> str:
    return str(next(i for i, le in enumerate(BUCKETS) if seconds <= le))


def _observe(pipe: redis.client.Pipeline, name: str, seconds: float) -> None:
    pipe.sadd(redis_client.key(HISTOGRAMS), name)
    pipe.hincrby(redis_client.key(f"metrics:{name}"), _bucket(seconds), 1)
    pipe.hincrbyfloat(redis_client.key(f"metrics:{name}"), "sum", seconds)


def grading_recorded(kind: str, verdict: str, seconds: float, waited: float | None) -> None:
    """A grading was committed: its verdict, its time by answer kind and, for a first grading,
    the time from submission to verdict. Never fails the grading (the numbers are a courtesy)."""
    with contextlib.suppress(redis.RedisError):
        pipe = redis_client.client().pipeline(transaction=False)
        pipe.hincrby(redis_client.key(COUNTERS), f"gradings:{verdict}", 1)
        _observe(pipe, f"grading_seconds:{kind}", seconds)
        if waited is not None:
            _observe(pipe, "submit_to_verdict_seconds:", waited)
        pipe.execute()


def grader_fault() -> None:
    """A grading failed on our side (retried or not)."""
    with contextlib.suppress(redis.RedisError):
        redis_client.client().hincrby(redis_client.key(COUNTERS), "grader_faults:", 1)


class _Collector(Collector):
    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily("tangent_broker_up", "1 when Redis answers")
        try:
            client = redis_client.client()
            counts = {
                redis_client.text(k): int(v)
                for k, v in client.hgetall(redis_client.key(COUNTERS)).items()
            }
            names = sorted(map(redis_client.text, client.smembers(redis_client.key(HISTOGRAMS))))
            histograms = {n: client.hgetall(redis_client.key(f"metrics:{n}")) for n in names}
            depths = {queue: redis_client.queue_depth((queue,)) for queue in QUEUES}
            workers = live_workers()
            up.add_metric([], 1)
        except redis.RedisError:
            up.add_metric([], 0)
            yield up
            return
        yield up
        depth = GaugeMetricFamily(
            "tangent_queue_depth", "jobs waiting in each Celery queue", labels=["queue"]
        )
        for queue, n in depths.items():
            depth.add_metric([queue], n)
        yield depth
        yield GaugeMetricFamily(
            "tangent_workers", "live Celery workers (heartbeats)", value=len(workers)
        )
        sandbox = GaugeMetricFamily(
            "tangent_worker_sandbox", "workers by sandbox state", labels=["state"]
        )
        states = [w.get("sandbox", {}).get("status", "unavailable") for w in workers]
        for state in sorted(set(states)):
            sandbox.add_metric([state], states.count(state))
        yield sandbox
        gradings = CounterMetricFamily(
            "tangent_gradings", "gradings by verdict", labels=["verdict"]
        )
        faults = CounterMetricFamily("tangent_grader_faults", "gradings that failed on our side")
        faults.add_metric([], counts.get("grader_faults:", 0))
        for field, n in sorted(counts.items()):
            metric, _, label = field.partition(":")
            if metric == "gradings":
                gradings.add_metric([label], n)
        yield gradings
        yield faults
        seconds = HistogramMetricFamily(
            "tangent_grading_seconds", "grading time by answer kind", labels=["kind"]
        )
        waits = HistogramMetricFamily(
            "tangent_submit_to_verdict_seconds", "time from submission to first verdict"
        )
        for name, fields in histograms.items():
            metric, _, label = name.partition(":")
            buckets, total = _cumulative(fields)
            if metric == "grading_seconds":
                seconds.add_metric([label], buckets, total)
            elif metric == "submit_to_verdict_seconds":
                waits.add_metric([], buckets, total)
        yield seconds
        yield waits


def _cumulative(
    fields: Mapping[bytes | str, bytes | str],
) -> tuple[list[tuple[str, float]], float]:
    counts = {redis_client.text(k): float(v) for k, v in fields.items()}
    running, buckets = 0.0, []
    for i, le in enumerate(BUCKETS):
        running += counts.get(str(i), 0.0)
        buckets.append(("+Inf" if le == float("inf") else repr(le), running))
    return buckets, counts.get("sum", 0.0)


_REGISTRY = CollectorRegistry(auto_describe=False)
_REGISTRY.register(_Collector())


def render() -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    return generate_latest(_REGISTRY).decode()
