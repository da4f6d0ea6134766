"""The system's health as the API reports it: database, broker, live workers, sandbox."""

from __future__ import annotations

from typing import Any

from django.db import connection

from courseware.grading.workers import live_workers
from tangent import redis_client


def sandbox_report() -> dict[str, Any]:
    """This process's view of the code sandbox: {"status": ok|degraded|unavailable, "missing": [...]}."""
    try:
        from grader.sandbox import sandbox_status
    except ImportError:
        return {"status": "unavailable", "missing": ["sandbox not installed"]}
    return sandbox_status()


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:  # any failure is reported, not raised
        return f"unavailable: {type(error).__name__}"


def health() -> dict[str, Any]:
    """{"database", "broker", "workers", "sandbox"} from a query, a ping and the workers' heartbeats."""
    try:
        redis_client.client().ping()
        broker_state = "ok"
        workers = live_workers()
    except Exception as error:
        broker_state = f"unavailable: {type(error).__name__}"
        workers = []
    statuses = [w.get("sandbox", {}).get("status", "unavailable") for w in workers]
    if "ok" in statuses:
        sandbox = "ok"
    elif "degraded" in statuses:
        sandbox = "degraded"
    else:
        sandbox = "unavailable"
    return {
        "database": check_database(),
        "broker": broker_state,
        "workers": len(workers),
        "sandbox": sandbox,
    }
