"""`make run`: the whole system in one terminal — embedded Redis (unless REDIS_URL is set), a Celery
worker with the sweeper (beat), and the web server on 127.0.0.1:$PORT. Ctrl-C stops them all."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tangent.embedded_redis import start_redis, stop
from tangent.environment import EMBEDDED_REDIS_URL_FILE, VAR_DIR, demo_logins, env


def _stop_on_sigterm(signum, frame):
    raise KeyboardInterrupt


def _announce(port: str) -> None:
    """The last lines of the start-up output: where Tangent is and the demo log-ins."""
    time.sleep(3)  # after the worker's and the web server's own start-up lines
    lines = [f"Tangent is running at http://127.0.0.1:{port}/ — press Ctrl-C to stop."]
    if env("DEMO_PASSWORD"):
        lines.append(demo_logins())
    print("\n".join(lines), flush=True)


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)  # `kill` stops everything, like Ctrl-C
    port = os.environ.get("PORT", "8000")
    children: list[subprocess.Popen] = []
    redis_process = None
    child_env = dict(os.environ)
    if not env("REDIS_URL"):
        redis_process, url = start_redis(VAR_DIR / "redis")
        EMBEDDED_REDIS_URL_FILE.write_text(url)
        child_env["REDIS_URL"] = url
        print(f"Embedded Redis at {url}")
    python = sys.executable
    try:
        children.append(
            subprocess.Popen(
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "tangent",
                    "worker",
                    "--beat",
                    "--concurrency",
                    "2",
                    "--loglevel",
                    "INFO",
                    "--hostname",
                    f"worker-{os.getpid()}@%h",
                ],
                env=child_env,
            )
        )
        children.append(
            subprocess.Popen(
                [python, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], env=child_env
            )
        )
        _announce(port)
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
