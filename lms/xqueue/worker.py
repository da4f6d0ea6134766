"""The XQueue worker: polls a queue, submits what arrives to Tangent, answers each once graded.

It survives the queue's faults: an unreachable or slow queue is retried with capped, jittered
exponential back-off; a lost session is renewed by logging in again; one bad submission is
answered as not graded and the queue goes on. Only a configuration error (a wrong password or
queue name) stops it.

XQueue hides a submission it handed out for SUBMISSION_PROCESSING_DELAY (60 s by default) and
then hands it out again unless a result came back. The worker holds up to `capacity` submissions
at once while Celery grades them, and answers each when its grading is finished; a grading not
finished within `hold_seconds` (the processing delay) is let go unanswered, and the next handing-
out finds the same Tangent submission (see jobs) and answers with its result then. "Not graded
yet" is never put back as a final score.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import InterfaceError, OperationalError, close_old_connections
from django.utils import timezone

from lms.models import XQueueSubmission
from lms.xqueue import jobs
from lms.xqueue.client import (
    LoginRequired,
    Pulled,
    ResultRefused,
    Unavailable,
    XQueueClient,
)
from lms.xqueue.messages import Reply, not_graded
from tangent import logs

log = logging.getLogger(__name__)
OUR_FAULT = "a fault on Tangent's side kept it from grading this answer. Please submit it again."


@dataclass
class Backoff:
    """Delays between retries: doubling from `base` up to `cap`, each drawn from its upper half."""

    base: float = 1.0
    cap: float = 60.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * 2**self.failures)
        self.failures += 1
        return self.rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.failures = 0


@dataclass
class Held:
    """A handed-out submission the worker has not answered yet."""

    xqueue_id: int
    header: str
    taken_at: float
    record_id: int | None = None
    reply: Reply | None = None  # decided without a record (a fault of ours while taking it)


class Worker:
    """One queue's worker: `client` is logged in as needed, learners belong to `owner`."""

    def __init__(
        self,
        client: XQueueClient,
        queue: str,
        owner: User,
        *,
        capacity: int = 4,
        hold_seconds: float = 60.0,
        idle_seconds: float = 2.0,
        poll_seconds: float = 0.25,
        backoff: Backoff | None = None,
        stop: threading.Event | None = None,
    ):
        self.client, self.queue, self.owner = client, queue, owner
        self.capacity, self.hold_seconds = capacity, hold_seconds
        self.idle_seconds, self.poll_seconds = idle_seconds, poll_seconds
        self.backoff = backoff or Backoff()
        self.stop = stop or threading.Event()
        self.held: dict[int, Held] = {}  # by XQueue id
        self.answered = 0

    def run(self, once: bool = False) -> int:
        """Work until stopped (or, with `once`, until the queue is empty and nothing is held);
        the number of submissions answered. ConfigurationError ends it."""
        fresh_login = False
        while not self.stop.is_set():
            try:
                if not self.client.logged_in:
                    self.client.login()
                    fresh_login = True
                    log.info("logged in to XQueue %s as %s", self.client.url, self.client.username)
                took = self.step()
            except LoginRequired as fault:
                if fresh_login:  # the session did not outlive the login: not a lost session
                    self._wait_out(f"XQueue did not keep the session just made ({fault})")
                else:
                    log.warning("XQueue session lost (%s); logging in again", fault)
                continue
            except Unavailable as fault:
                self._wait_out(f"XQueue unavailable: {fault}")
                continue
            except (OperationalError, InterfaceError) as fault:
                close_old_connections()  # the database went away: retry on a fresh connection
                self._wait_out(f"database unavailable: {fault}")
                continue
            self.backoff.reset()
            fresh_login = False
            if took:
                continue
            if once and not self.held:
                break
            self.stop.wait(self.poll_seconds if self.held else self.idle_seconds)
        return self.answered

    def _wait_out(self, fault: str) -> None:
        delay = self.backoff.next_delay()
        log.warning("%s; retrying in %.1f s", fault, delay)
        self.stop.wait(delay)

    def step(self) -> bool:
        """Answer what is finished, let go of what waited too long, take one more if there is
        room; True when a submission was taken."""
        self.answer_finished()
        self.release_expired()
        if len(self.held) >= self.capacity:
            return False
        pulled = self.client.take(self.queue)
        if pulled is None:
            return False
        self.take(pulled)
        return True

    def take(self, pulled: Pulled) -> None:
        """Record a handed-out submission and hold it until answered (a submission handed out
        again while held is held afresh: its new header is the one XQueue accepts)."""
        held = Held(pulled.xqueue_id, pulled.header, time.monotonic())
        try:
            record = jobs.accept(pulled, self.queue, self.owner)
        except (OperationalError, InterfaceError):
            raise
        except Exception:  # one submission must never stop the queue
            log.exception("XQueue submission %s: could not take it", pulled.xqueue_id)
            held.reply = not_graded(OUR_FAULT)
        else:
            held.record_id = record.pk
            self._log_taken(record)
        self.held[pulled.xqueue_id] = held
        self.answer_finished()

    def _log_taken(self, record: XQueueSubmission) -> None:
        if record.submission_id is None:
            log.warning(
                "XQueue submission %s (handed out %d×): not graded: %s",
                record.xqueue_id,
                record.pulls,
                record.reason,
            )
        else:
            log.info(
                "XQueue submission %s (handed out %d×) → Tangent submission %s",
                record.xqueue_id,
                record.pulls,
                record.submission_id,
            )

    def answer_finished(self) -> None:
        """Put back the result of every held submission whose grading is finished."""
        if not self.held:
            return
        ids = [held.record_id for held in self.held.values() if held.record_id is not None]
        records = {
            record.pk: record
            for record in XQueueSubmission.objects.filter(pk__in=ids).select_related(
                "submission__grading"
            )
        }
        for held in list(self.held.values()):
            record = None if held.record_id is None else records.get(held.record_id)
            reply = held.reply or (jobs.reply_for(record) if record else None)
            if reply is not None:
                self.answer(held, record, reply)

    def answer(self, held: Held, record: XQueueSubmission | None, reply: Reply) -> None:
        token = logs.submission_id.set(record.submission_id if record else None)
        try:
            self.client.put_result(held.header, reply.as_dict())
        except ResultRefused as refusal:
            log.warning(
                "XQueue refused the result for submission %s (%s): it was handed out again, "
                "and is answered from there",
                held.xqueue_id,
                refusal,
            )
        else:
            self.answered += 1
            if record is not None:
                XQueueSubmission.objects.filter(pk=record.pk).update(
                    reply=reply.as_dict(), answered_at=timezone.now()
                )
            log.info(
                "XQueue submission %s → Tangent submission %s: %s, score %s",
                held.xqueue_id,
                record.submission_id if record else None,
                {True: "correct", False: "incorrect", None: "not graded"}[reply.correct],
                reply.score,
            )
        finally:
            logs.submission_id.reset(token)
        del self.held[held.xqueue_id]

    def release_expired(self) -> None:
        """Let go of submissions held past the processing delay: XQueue hands them out again."""
        now = time.monotonic()
        for held in list(self.held.values()):
            if now - held.taken_at >= self.hold_seconds:
                log.info(
                    "XQueue submission %s: grading not finished after %.0f s; XQueue will hand "
                    "it out again",
                    held.xqueue_id,
                    self.hold_seconds,
                )
                del self.held[held.xqueue_id]
