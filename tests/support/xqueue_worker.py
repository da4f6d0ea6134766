"""The XQueue worker run in a thread against a FakeXQueue, and bodies as edx-platform sends them."""

from __future__ import annotations

import json
import threading

from django.db import connections

from courseware.accounts import service_user
from lms.xqueue.client import XQueueClient
from lms.xqueue.worker import Backoff, Worker
from tests.support.xqueue_server import FakeXQueue


def xqueue_body(
    response: str,
    exercise: str = "m1-chain-rule",
    *,
    student: str = "anon-1",
    seed: int = 3,
    variants: int | None = 20,
    payload: str | None = None,
) -> dict:
    """What edx-platform's CodeResponse puts in the queue for one answer."""
    if payload is None:
        fields = (
            {"exercise": exercise}
            if variants is None
            else {"exercise": exercise, "variants": variants}
        )
        payload = json.dumps(fields)
    info = {
        "anonymous_student_id": student,
        "submission_time": "20260401120000",
        "random_seed": seed,
    }
    return {
        "grader_payload": payload,
        "student_info": json.dumps(info),
        "student_response": response,
    }


class RunningWorker:
    """The worker polling `server` from a thread, with test-short waits; stopped on exit."""

    def __init__(self, server: FakeXQueue, *, timeout: float = 10.0, capacity: int = 4):
        client = XQueueClient(
            server.url, "tangent", server.users["tangent"], timeout=timeout,
            allowed_hosts=("127.0.0.1",),
        )  # fmt: skip
        self.worker = Worker(
            client,
            server.queue,
            service_user(f"xqueue-{server.queue}"),
            capacity=capacity,
            hold_seconds=server.processing_delay,
            idle_seconds=0.05,
            poll_seconds=0.05,
            backoff=Backoff(base=0.05, cap=0.2),
        )
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            self.worker.run()
        except BaseException as error:  # reported by the test
            self.error = error
        finally:
            connections.close_all()

    @property
    def alive(self) -> bool:
        return self.thread.is_alive()

    def __enter__(self) -> RunningWorker:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.worker.stop.set()
        self.thread.join(30)
        assert not self.thread.is_alive(), "the worker did not stop"
        assert self.error is None, f"the worker stopped with {self.error!r}"
