"""XQueue's grader interface over HTTP: log in, take a submission, put a result back.

It speaks the protocol of Open edX's XQueue (`submission_queue/ext_interface.py`): every reply is
JSON `{"return_code": 0 or 1, "content": ...}`; a request without a live session is redirected
to the login page (302), which answers `login_required`. A pulled submission carries a header
`{"submission_id", "submission_key"}`: the key changes each time XQueue hands the submission out,
and only the latest key is accepted with a result.

Faults are sorted here: `Unavailable` (the queue is down, slow or answering nonsense) is waited
out, `LoginRequired` means logging in again, `ConfigurationError` (a wrong password or queue name)
does not go away by retrying, and `ResultRefused` means that handing-out is no longer the live one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import requests

from lms import outbound


class XQueueError(Exception):
    """A request to the queue server that did not do what was asked."""


class Unavailable(XQueueError):
    """The queue server is unreachable, timed out or answered something unreadable: try later."""


class LoginRequired(XQueueError):
    """The session is gone (expired, or the server forgot it): log in again."""


class ConfigurationError(XQueueError):
    """The server refuses the worker's settings (credentials, queue name): retrying cannot help."""


class ResultRefused(XQueueError):
    """The server refused a result: the submission was handed out again, or no longer exists."""


@dataclass(frozen=True)
class Pulled:
    """A submission as XQueue handed it out: its id, the header to answer with, its body."""

    xqueue_id: int
    header: str
    body: str


class _Refusal(Exception):
    def __init__(self, content: object):
        super().__init__(str(content))
        self.content = str(content)


class XQueueClient:
    """One grader's session with an XQueue server."""

    def __init__(
        self,
        url: str,
        username: str,
        password: str,
        *,
        timeout: float = 60.0,
        allowed_hosts: tuple[str, ...] = (),
    ):
        self.allowed_hosts = allowed_hosts
        self.url = outbound.check_url(url, allowed_hosts).rstrip("/")
        self.username, self.password = username, password
        self.timeout = timeout
        self.session = requests.Session()
        self.logged_in = False

    def _call(self, method: str, path: str, **kwargs: Any) -> object:
        """The `content` of a successful reply; _Refusal for `return_code` 1."""
        try:
            response = outbound.send(
                method,
                self.url + path,
                session=self.session,
                timeout=self.timeout,
                allowed_hosts=self.allowed_hosts,
                **kwargs,
            )
        except outbound.UnsafeUrl as error:  # checked at start: a host that stopped resolving
            raise Unavailable(f"{path}: {error}") from error
        except requests.RequestException as error:
            raise Unavailable(f"{path}: {type(error).__name__}: {error}") from error
        if response.is_redirect and "/login" in response.headers.get("Location", ""):
            self.logged_in = False
            raise LoginRequired(f"{path}: redirected to the login page")
        if response.status_code != 200:
            raise Unavailable(f"{path}: HTTP {response.status_code}")
        try:
            body = response.json()
        except ValueError:
            raise Unavailable(f"{path}: the reply is not JSON") from None
        if not isinstance(body, dict) or body.get("return_code") not in (0, 1):
            raise Unavailable(f"{path}: the reply is not in XQueue's format")
        if body["return_code"] == 0:
            return body.get("content")
        if body.get("content") == "login_required":
            self.logged_in = False
            raise LoginRequired(f"{path}: login_required")
        raise _Refusal(body.get("content"))

    def login(self) -> None:
        try:
            self._call(
                "POST",
                "/xqueue/login/",
                data={"username": self.username, "password": self.password},
            )
        except _Refusal as refusal:
            raise ConfigurationError(f"the login was refused: {refusal.content}") from None
        self.logged_in = True

    def take(self, queue: str) -> Pulled | None:
        """The next submission in the queue, or None when none is waiting."""
        try:
            waiting = self._call("GET", "/xqueue/get_queuelen/", params={"queue_name": queue})
        except _Refusal as refusal:  # "Valid queue names are: …"
            raise ConfigurationError(f"queue {queue!r}: {refusal.content}") from None
        if not _count(waiting):
            return None
        try:
            content = self._call("GET", "/xqueue/get_submission/", params={"queue_name": queue})
        except _Refusal as refusal:
            if refusal.content.endswith("is empty"):  # another grader took the last one
                return None
            if refusal.content.endswith("not found"):
                raise ConfigurationError(f"queue {queue!r}: {refusal.content}") from None
            raise Unavailable(f"/xqueue/get_submission/: {refusal.content}") from None
        return _pulled(content)

    def put_result(self, header: str, result: dict[str, Any]) -> None:
        """Give XQueue the result for the handing-out that `header` names."""
        try:
            self._call(
                "POST",
                "/xqueue/put_result/",
                data={"xqueue_header": header, "xqueue_body": json.dumps(result)},
            )
        except _Refusal as refusal:
            raise ResultRefused(refusal.content) from None


def _count(content: object) -> int:
    try:
        if not isinstance(content, (str, int, float)):
            raise TypeError
        return int(content)
    except (TypeError, ValueError):
        raise Unavailable(f"get_queuelen: not a count: {content!r}"[:200]) from None


def _pulled(content: object) -> Pulled:
    """The submission in get_submission's content; Unavailable if XQueue's own envelope is broken
    (nothing can be answered without its header)."""
    try:
        envelope = json.loads(content) if isinstance(content, str) else content
        if not isinstance(envelope, dict):
            raise TypeError("not an object")
        header_text = envelope["xqueue_header"]
        header = json.loads(header_text)
        xqueue_id = int(header["submission_id"])
        if "submission_key" not in header:  # without it no result is accepted
            raise KeyError("submission_key")
    except (TypeError, ValueError, KeyError) as error:
        raise Unavailable(f"get_submission: an unreadable submission envelope ({error})") from None
    body = envelope.get("xqueue_body", "")
    return Pulled(xqueue_id, header_text, body if isinstance(body, str) else json.dumps(body))
