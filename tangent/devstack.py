"""`make run`: the whole system in one terminal — embedded Redis (unless REDIS_URL is set), a Celery
worker per queue (the grading one with the sweeper, beat), and the web server on 127.0.0.1:$PORT.
Ctrl-C stops them all."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from types import FrameType
from typing import NoReturn

from tangent.embedded_redis import start_redis, stop
from tangent.environment import EMBEDDED_REDIS_URL_FILE, VAR_DIR, demo_logins, env
from tangent.queues import GRADING, QUEUES

READY_SECONDS = 120  # a first start compiles every module; later ones take a few seconds


def _stop_on_sigterm(signum: int, frame: FrameType | None) -> NoReturn:
    raise KeyboardInterrupt


def beat(queue: str) -> list[str]:
    return ["--beat"] if queue == GRADING else []


def ready(
    port: str, workers: int, children: list[subprocess.Popen[bytes]], timeout: float = READY_SECONDS
) -> bool:
    """Wait until the site's health check counts `workers` live workers: True then, False when a
    child has exited or `timeout` seconds have passed first."""
    deadline = time.monotonic() + timeout
    url = f"http://127.0.0.1:{port}/api/v1/health"
    while time.monotonic() < deadline and all(child.poll() is None for child in children):
        # not answering yet, or answering with an error page while it starts
        with (
            contextlib.suppress(OSError, ValueError),
            urllib.request.urlopen(url, timeout=2) as response,
        ):
            if json.load(response).get("workers", 0) >= workers:
                return True
        time.sleep(0.25)
    return False


def announce(port: str, children: list[subprocess.Popen[bytes]]) -> None:
    """The last lines of the start-up output, once the site and every worker are up: where
    Tangent is and the demo log-ins."""
    lines = [f"Tangent is running at http://127.0.0.1:{port}/ — press Ctrl-C to stop."]
    if not ready(port, len(QUEUES), children):
        lines.append("(not every part answered in time: the lines above say why)")
    if env("DEMO_PASSWORD"):
        lines.append(demo_logins())
    print("\n".join(lines), flush=True)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops everything, like Ctrl-C
    port = os.environ.get("PORT", "8000")
    children: list[subprocess.Popen[bytes]] = []
    redis_process = None
    child_env = dict(os.environ)
    if not env("REDIS_URL"):
        redis_process, url = start_redis(VAR_DIR / "redis")
        EMBEDDED_REDIS_URL_FILE.write_text(url)
        child_env["REDIS_URL"] = url
        print(f"Embedded Redis at {url}")
    python = sys.executable
    events_port = str(int(port) + 1)  # the push service (tangent/events.py) beside the site
    child_env.setdefault("TANGENT_EVENTS_URL", f"http://127.0.0.1:{events_port}/events")
    try:
        for queue in QUEUES:  # one worker per queue, as in production; the grading one runs beat
            command = [python, "-m", "tangent.worker", queue, "--loglevel", "INFO",
                       "--hostname", f"{queue}-{os.getpid()}@%h"]  # fmt: skip
            children.append(subprocess.Popen([*command, *beat(queue)], env=child_env))
        children.append(
            subprocess.Popen(
                [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env=child_env
            )
        )
        children.append(
            subprocess.Popen(
                [python, "-m", "uvicorn", "tangent.events:application", "--host", "127.0.0.1",
                 "--port", events_port, "--log-level", "warning"],
                env=child_env,
            )
        )  # fmt: skip
        announce(port, children)
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
        if redis_process is not None:
            EMBEDDED_REDIS_URL_FILE.unlink(missing_ok=True)
            stop(redis_process)
        print("Tangent stopped.")


if __name__ == "__main__":
    sys.exit(main())
