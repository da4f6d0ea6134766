"""`make load --slow-lms SECONDS`: the deadline rush again, each outcome sent to a slow LMS.

An LMS integration (a user with an API key, its learners named by reference as the API makes
them, and a webhook for graded and failed submissions) sends the rush's answers through the REST
API in the same plan as the page rush; every outcome is then a webhook delivery (on the `delivery`
queue) to a receiver on 127.0.0.1 that takes SECONDS to answer each request. It prints the grading
latency measured by the server (submitted → graded) of both rushes side by side, and what reached
the LMS: deliveries made, pending and failed, and the time from verdict to delivery.

The receiver is on 127.0.0.1 over http, which Tangent's outbound rule refuses (lms/outbound.py);
this stack sets TANGENT_OUTBOUND_ALLOW_PRIVATE, the switch docs/lms-setup.md gives for tests on a
machine of one's own, and lifts the per-key request limit, as a deployment with such an
integration would.
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.load import (
    RUSH_SECONDS,
    Answer,
    CpuMeter,
    Learner,
    Stats,
    arrivals,
    django,
    percentile,
    report,
)

ENV = {"TANGENT_OUTBOUND_ALLOW_PRIVATE": "1", "TANGENT_API_THROTTLE_PER_MINUTE": "1000000"}
CLIENT = "load-lms"
EVENT_HEADER = "Tangent-Event-Id"  # api.webhooks.EVENT_HEADER
GRADING_GIVE_UP = 600.0  # seconds after the last answer
DRAIN_SECONDS = 60.0  # how long deliveries are awaited once every answer is graded


class Receiver:
    """An LMS's webhook endpoint on 127.0.0.1: answers every POST with 200 after `delay` s."""

    def __init__(self, delay: float):
        self.delay = delay
        self.received: list[str] = []  # event ids, as they arrive
        self.answered = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.received.append(self.headers.get(EVENT_HEADER, ""))
                time.sleep(receiver.delay)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.answered += 1

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/lms/tangent-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def prepare(env: dict, learners: int, url: str) -> str:
    """The integration: its user, learners l0… by reference, a webhook at `url`; its API key."""
    return django(
        env,
        f"""
from django.contrib.auth.models import User
from api.keys import create_key
from api.learners import learner_for
from api.webhooks import register
from lms.models import Webhook
client = User.objects.create_user({CLIENT!r})
for i in range({learners}):
    learner_for(client, f"l{{i}}")
register(client, {url!r}, [Webhook.Event.GRADED.value, Webhook.Event.FAILED.value])
print(create_key(client, "load LMS").key)
""",
    ).split()[-1]


def api_rush(port: int, key: str, plan: list[tuple[int, Answer]]) -> Stats:
    """The plan's answers through POST /api/v1/submissions, each on a connection of its own."""
    rush = Stats()

    def one(i: int) -> None:
        who, answer = plan[i]
        client = Learner(port, CLIENT, rush, token=key)
        body = {"exercise": answer.slug, "learner": f"l{who}", "answer": answer.api}
        status, text = client.request("api submit", "POST", "/api/v1/submissions", json_body=body)
        if status == 202:
            with rush.lock:
                rush.submitted.append(json.loads(text)["id"])
        elif status:
            rush.errors.append(f"api submit {answer.slug}: {status} {text[:200]}")

    arrivals(len(plan), RUSH_SECONDS, one)
    return rush


def wait_until_graded(port: int, key: str, rush: Stats) -> None:
    """Until the integration has no submission queued or running (asked once a second)."""
    watcher = Learner(port, CLIENT, Stats(), token=key)  # its requests are not the rush's
    deadline = time.monotonic() + GRADING_GIVE_UP
    while time.monotonic() < deadline:
        pending = False
        for status in ("queued", "running"):
            code, text = watcher.request(
                "api list", "GET", f"/api/v1/submissions?status={status}&limit=1"
            )
            pending = pending or code != 200 or bool(json.loads(text)["items"])
        if not pending:
            return
        time.sleep(1)
    rush.errors.append(f"API submissions still pending {GRADING_GIVE_UP:.0f} s after the rush")


FIGURES = """
import json
from courseware.models import Submission
from lms.models import WebhookDelivery
groups = json.load(open({path!r}))
rows = Submission.objects.filter(pk__in=[i for ids in groups.values() for i in ids])
times = {{pk: (made, done) for pk, made, done in rows.values_list("pk", "created_at", "grading__finished_at")}}
grading = {{name: [(times[i][1] - times[i][0]).total_seconds() for i in ids if times.get(i, (0, None))[1]]
            for name, ids in groups.items()}}
deliveries = {{"delivered": [], "pending": 0, "failed": 0}}
for submission, state, at in WebhookDelivery.objects.filter(webhook__isnull=False).values_list(
        "payload__data__id", "state", "delivered_at"):
    if state == WebhookDelivery.State.DELIVERED and times.get(submission, (0, None))[1]:
        deliveries["delivered"].append((at - times[submission][1]).total_seconds())
    else:
        deliveries[state if state == "failed" else "pending"] += 1
print(json.dumps({{"grading": grading, "deliveries": deliveries}}))
"""


def server_figures(env: dict, groups: dict[str, list[int]]) -> dict:
    """Per group of submissions, the seconds from submitted to graded as the server recorded
    them; the webhook deliveries: seconds from verdict to delivered, and how many are not."""
    with tempfile.NamedTemporaryFile("w", suffix=".json") as file:
        json.dump(groups, file)
        file.flush()
        return json.loads(django(env, FIGURES.format(path=file.name)).splitlines()[-1])


def compare(
    env: dict,
    port: int,
    key: str,
    plan: list[tuple[int, Answer]],
    receiver: Receiver,
    page_rush: Stats,
    cpu: CpuMeter,
) -> dict:
    """The rush through the API with the slow LMS, printed beside the page rush without it."""
    started = time.monotonic()
    rush = api_rush(port, key, plan)
    wait_until_graded(port, key, rush)
    seconds = time.monotonic() - started
    title = f"The rush through the API, each outcome to an LMS answering in {receiver.delay:g} s"
    summary = report(rush, seconds, title, cpu.used(), waited=False)
    drained = time.monotonic() + DRAIN_SECONDS
    while receiver.answered < len(rush.submitted) and time.monotonic() < drained:
        time.sleep(1)
    found = server_figures(env, {"pages": page_rush.submitted, "api": rush.submitted})
    print("\nGrading, submitted → graded as the server recorded it:")
    for name, label in (
        ("pages", "rush from the pages, no LMS"),
        ("api", "rush through the API, slow LMS"),
    ):
        waits = found["grading"][name]
        accepted = len(page_rush.submitted if name == "pages" else rush.submitted)
        marks = " / ".join(f"{percentile(waits, p):.2f}" for p in (50, 95, 99))
        print(f"  {label:<32} {len(waits)} of {accepted} graded, p50/p95/p99 {marks} s")
        summary[f"grading_s_{name}"] = {p: round(percentile(waits, p), 2) for p in (50, 95, 99)}
    delivered = found["deliveries"]["delivered"]
    print(
        f"Webhook deliveries: {len(delivered)} delivered within {DRAIN_SECONDS:.0f} s after the "
        f"last grading, {found['deliveries']['pending']} pending, {found['deliveries']['failed']} "
        f"failed (the receiver was sent {len(receiver.received)}); verdict → delivered p50/p95: "
        f"{percentile(delivered, 50):.1f} / {percentile(delivered, 95):.1f} s"
    )
    summary["deliveries"] = {
        "delivered": len(delivered),
        "pending": found["deliveries"]["pending"],
        "failed": found["deliveries"]["failed"],
        "verdict_to_delivered_s": {p: round(percentile(delivered, p), 1) for p in (50, 95)},
    }
    return summary
