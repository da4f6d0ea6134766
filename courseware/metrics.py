"""Prometheus-style metrics, computed at scrape time from the database and Redis (so every web and
worker process agrees): queue depth, workers, submissions by status, gradings by verdict and kind,
grading and submit-to-verdict latency, sandbox state and grader faults."""

from __future__ import annotations

from collections import Counter, defaultdict
from statistics import quantiles

from django.db.models import Count

from courseware import broker
from courseware.models import Grading, Submission

RECENT = 2000  # gradings the latency summaries look at


def _quantiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"0.5": values[0], "0.95": values[0], "0.99": values[0]} if values else {}
    cuts = quantiles(values, n=100, method="inclusive")
    return {"0.5": cuts[49], "0.95": cuts[94], "0.99": cuts[98]}


def _labels(**labels: str) -> str:
    inner = ",".join(f'{k}="{str(v).replace(chr(34), "")}"' for k, v in sorted(labels.items()))
    return "{" + inner + "}" if inner else ""


def collect() -> list[tuple[str, str, str, list[tuple[dict, float]]]]:
    """(name, type, help, samples) for each metric."""
    metrics = []
    try:
        depth, workers = broker.queue_depth(), broker.live_workers()
        broker_up = 1
    except Exception:  # the broker is away: say so rather than fail the scrape
        depth, workers, broker_up = 0, [], 0
    metrics.append(("tangent_broker_up", "gauge", "1 when Redis answers", [({}, broker_up)]))
    metrics.append(
        ("tangent_queue_depth", "gauge", "grading jobs waiting in the queue", [({}, depth)])
    )
    metrics.append(
        ("tangent_workers", "gauge", "live Celery workers (heartbeats)", [({}, len(workers))])
    )
    sandbox = Counter(w.get("sandbox", {}).get("status", "unavailable") for w in workers)
    metrics.append(
        (
            "tangent_worker_sandbox",
            "gauge",
            "workers by sandbox state",
            [({"state": s}, n) for s, n in sandbox.items()],
        )
    )
    by_status = Submission.objects.values("status").annotate(n=Count("id"))
    metrics.append(
        (
            "tangent_submissions",
            "gauge",
            "submissions by status",
            [({"status": r["status"]}, r["n"]) for r in by_status],
        )
    )
    by_verdict = Grading.objects.values("verdict").annotate(n=Count("id"))
    metrics.append(
        (
            "tangent_gradings_total",
            "counter",
            "gradings by verdict",
            [({"verdict": r["verdict"]}, r["n"]) for r in by_verdict],
        )
    )
    recent = Grading.objects.select_related("exercise_version", "submission").order_by("-id")[
        :RECENT
    ]
    seconds: dict[str, list[float]] = defaultdict(list)
    waits: list[float] = []
    for grading in recent:
        kind = "+".join(dict.fromkeys(p["kind"] for p in grading.exercise_version.spec["parts"]))
        seconds[kind].append(grading.seconds)
        if grading.graded_by_id is None and grading.request == 1:
            waits.append((grading.finished_at - grading.submission.created_at).total_seconds())
    metrics.append(
        (
            "tangent_grading_seconds",
            "summary",
            f"grading time by answer kind (last {RECENT} gradings)",
            [
                ({"kind": k, "quantile": q}, v)
                for k, vs in seconds.items()
                for q, v in _quantiles(vs).items()
            ],
        )
    )
    metrics.append(
        (
            "tangent_submit_to_verdict_seconds",
            "summary",
            f"time from submission to first verdict (last {RECENT} gradings)",
            [({"quantile": q}, v) for q, v in _quantiles(waits).items()],
        )
    )
    faults = Grading.objects.filter(verdict="grader_error").count()
    metrics.append(
        (
            "tangent_grader_faults_total",
            "counter",
            "gradings that failed on our side",
            [({}, faults)],
        )
    )
    return metrics


def render() -> str:
    """The Prometheus text exposition format (version 0.0.4)."""
    lines = []
    for name, kind, help_text, samples in collect():
        lines.append(f"# HELP {name} {help_text}")
        lines.append(f"# TYPE {name} {kind}")
        lines.extend(f"{name}{_labels(**labels)} {value:g}" for labels, value in samples)
    return "\n".join(lines) + "\n"
