"""Logging in with a personal access token, submitting, waiting and showing the verdict."""

from __future__ import annotations

import getpass
import html
import os
import time
from collections.abc import Callable
from typing import Any

import requests

from tangent.source import source_of

DONE = ("graded", "failed", "cancelled")
_session: dict[str, Any] = {}


class TangentError(Exception):
    """What the server refused, in its words."""


def login(url: str, token: str | None = None) -> None:
    """Use the Tangent at `url` with a personal access token (asked for when not given, unless
    TANGENT_TOKEN holds it). Checks the token at once."""
    token = (
        token
        or os.environ.get("TANGENT_TOKEN")
        or getpass.getpass("Personal access token (make one on your Tangent profile page): ")
    )
    http = requests.Session()
    http.headers.update(
        {"Authorization": f"Bearer {token.strip()}", "User-Agent": "tangent-client/1"}
    )
    _session.update(url=url.rstrip("/"), http=http)
    _call("GET", "/api/v1/submissions", params={"limit": 1})


def _call(method: str, path: str, **kwargs: Any) -> dict[str, Any]:
    if "http" not in _session:
        raise TangentError('Log in first: tangent.login("https://your-tangent-server").')
    response = _session["http"].request(method, _session["url"] + path, timeout=30, **kwargs)
    if response.status_code >= 400:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:300]
        raise TangentError(f"{response.status_code}: {detail}")
    return response.json()


class Result(dict):
    """A grading result (the API's): verdict, score, feedback; shown as Markdown in Jupyter."""

    def _repr_markdown_(self) -> str:
        return markdown(self)

    def __str__(self) -> str:
        return text(self)


def submit(
    exercise: str, *functions: Callable[..., Any], wait: bool = True, timeout: float = 300
) -> Result:
    """Send the functions' source (with what they use) as the answer to `exercise`; wait for the
    grading and show it. Returns the result (or, with wait=False, the submission)."""
    if not functions:
        raise TangentError(
            "Pass the function to submit, e.g. tangent.submit('m3-d-sigma', d_sigma)."
        )
    code = source_of(*functions)
    asked = [
        p["function"]
        for p in _call("GET", f"/api/v1/exercises/{exercise}")["parts"]
        if p.get("function")
    ]
    name = getattr(functions[0], "__name__", "")
    if len(asked) == 1 and name != asked[0]:
        code += f"\n\n{asked[0]} = {name}\n"  # the exercise asks for it by its own name
    created = _call(
        "POST", "/api/v1/submissions", json={"exercise": exercise, "answer": {"code": code}}
    )
    if not wait:
        return Result(created)
    deadline, delay = time.monotonic() + timeout, 0.3
    status = created["status"]
    while status not in DONE:
        if time.monotonic() > deadline:
            raise TangentError(
                f"Submission {created['id']} is still {status} after {timeout:.0f} s."
            )
        time.sleep(delay)
        delay = min(delay * 1.5, 3.0)
        status = _call("GET", f"/api/v1/submissions/{created['id']}")["status"]
    if status == "cancelled":
        raise TangentError(f"Submission {created['id']} was cancelled.")
    if status == "failed":
        raise TangentError(f"Submission {created['id']} could not be graded; try again later.")
    result = Result(_call("GET", f"/api/v1/results/{created['id']}", params={"figures": "svg"}))
    show(result)
    return result


def show(result: Result) -> None:
    """In Jupyter: Markdown (LaTeX rendered) and figures as images; elsewhere: plain text."""
    try:
        from IPython import get_ipython
        from IPython.display import SVG, Markdown, display
    except ImportError:
        print(text(result))
        return
    if get_ipython() is None or not hasattr(get_ipython(), "kernel"):
        print(text(result))
        return
    display(Markdown(markdown(result)))
    for item in result.get("feedback", []):
        svg = item.get("data", {}).get("svg") if item.get("type") == "figure" else None
        if svg:
            display(SVG(svg))


def headline(result: dict) -> str:
    return f"{result['verdict'].replace('_', ' ').capitalize()} · score {result['score']:.0%}"


def text(result: dict) -> str:
    lines = [headline(result)]
    for item in result.get("feedback", []):
        kind, body = item.get("type"), item.get("text", "")
        if kind == "test":
            mark = "✓" if item.get("data", {}).get("passed") else "✗"
            lines.append(f"{mark} {body}")
        elif kind == "figure":
            lines.append(f"[figure: {body}]")
        else:
            lines.append(body)
    return "\n".join(lines)


def markdown(result: dict) -> str:
    parts = [f"**{headline(result)}**"]
    for item in result.get("feedback", []):
        kind, body = item.get("type"), item.get("text", "")
        if kind == "test":
            mark = "✓" if item.get("data", {}).get("passed") else "✗"
            parts.append(f"{mark}\n```\n{body}\n```")
        elif kind in ("traceback", "stdout"):
            parts.append(f"```\n{body}\n```")
        elif kind == "figure":
            parts.append(f"*{html.escape(body)}*")
        else:
            parts.append(body)
    return "\n\n".join(parts)
