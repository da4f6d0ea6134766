"""An Open edX XQueue pull client: Open edX code and math problems graded by Tangent.

An external grader in Open edX is a queue that a worker polls: it takes a submission, grades
it and puts the result back. The problem's `grader_payload` names the Tangent exercise
(`{"exercise": "m1-chain-rule"}`); the learner's response is the answer text (or a JSON answer
in the API's shape); the anonymous student id becomes a learner reference of the worker's user.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from html import escape

import requests

from courseware.models import Exercise, Submission
from courseware.submissions import SubmissionRefused, submit
from courseware.variants import current_attempt, definition_of
from grader.results import AnswerTooLarge, InvalidAnswer
from lms import learners, outbound

PAYLOAD_KEYS = {"code": "code", "choice": "choices", "matrix": "matrix"}


class XQueueError(Exception):
    """The queue server refused a request or answered something unreadable."""


@dataclass
class Job:
    header: str
    exercise: str
    student: str
    response: str


class XQueueClient:
    """The XQueue HTTP API: login, get_submission, put_result."""

    def __init__(self, url: str, username: str, password: str):
        self.url = outbound.check_url(url).rstrip("/")
        self.username, self.password = username, password
        self.session = requests.Session()

    def _call(self, method: str, path: str, **kwargs) -> dict:
        outbound.check_url(self.url + path)
        try:
            response = self.session.request(method, self.url + path, timeout=30, **kwargs)
            body = response.json()
        except (requests.RequestException, ValueError) as error:
            raise XQueueError(f"{path}: {error}") from error
        if not isinstance(body, dict) or body.get("return_code") != 0:
            raise XQueueError(f"{path}: {body!r}"[:300])
        return body

    def login(self) -> None:
        self._call(
            "POST", "/xqueue/login/", data={"username": self.username, "password": self.password}
        )

    def take(self, queue: str) -> Job | None:
        """The next submission in the queue, or None when it is empty."""
        length = self._call("GET", "/xqueue/get_queuelen/", params={"queue_name": queue})
        if not int(length.get("content") or 0):
            return None
        content = json.loads(
            self._call("GET", "/xqueue/get_submission/", params={"queue_name": queue})["content"]
        )
        body = json.loads(content["xqueue_body"])
        payload = json.loads(body.get("grader_payload") or "{}")
        student = json.loads(body.get("student_info") or "{}").get("anonymous_student_id", "")
        return Job(
            header=content["xqueue_header"],
            exercise=str(payload.get("exercise", "")),
            student=str(student),
            response=str(body.get("student_response", "")),
        )

    def put_result(self, job: Job, correct: bool, score: float, message: str) -> None:
        result = {"correct": correct, "score": score, "msg": message}
        self._call(
            "POST",
            "/xqueue/put_result/",
            data={"xqueue_header": job.header, "xqueue_body": json.dumps(result)},
        )


def answer_from(response: str, exercise: Exercise, attempt) -> dict:
    """The API answer for a response: JSON in the API's shape, or text for a one-part exercise."""
    try:
        parsed = json.loads(response)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict):
        return parsed
    part = definition_of(attempt).parts[0]
    return {PAYLOAD_KEYS.get(part.kind, "value"): response}


def message_for(submission: Submission) -> str:
    grading = submission.grading
    if grading is None:
        return f"<p>Tangent could not grade this answer ({escape(submission.failure_reason)}).</p>"
    items = "".join(f"<li>{escape(item.get('text', ''))}</li>" for item in grading.feedback)
    return f"<p>{escape(grading.verdict)}</p><ul>{items}</ul>"


def grade(job: Job, owner, wait_seconds: float = 120) -> tuple[bool, float, str]:
    """Grade one job through Tangent's pipeline: (correct, score 0..1, HTML message)."""
    exercise = Exercise.objects.filter(slug=job.exercise, retired=False).first()
    if exercise is None:
        return False, 0.0, f"<p>Unknown Tangent exercise {escape(job.exercise)!s}.</p>"
    learner = learners.learner_for(owner, job.student or "anonymous")
    attempt = current_attempt(learner, exercise)
    try:
        submission = submit(attempt, answer_from(job.response, exercise, attempt))
    except (InvalidAnswer, AnswerTooLarge, SubmissionRefused) as error:
        return False, 0.0, f"<p>{escape(error.message)}</p>"
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        submission.refresh_from_db()
        if submission.status in (Submission.Status.GRADED, Submission.Status.FAILED):
            break
        time.sleep(0.2)
    score = submission.grading.score if submission.grading else 0.0
    return score >= 1.0, score, message_for(submission)


def work(client: XQueueClient, queue: str, owner, once: bool = False, idle_seconds: float = 2):
    """Poll the queue and grade what arrives; with `once`, stop when the queue is empty."""
    client.login()
    handled = 0
    while True:
        job = client.take(queue)
        if job is None:
            if once:
                return handled
            time.sleep(idle_seconds)
            continue
        correct, score, message = grade(job, owner)
        client.put_result(job, correct, score, message)
        handled += 1
