"""Click Submit to verdict painted, in Chromium, with push on and with push off, in the same run.

Starts the stack bench/latency.py starts (push service included) and a second web server on the
same database, Redis and workers with push switched off (TANGENT_EVENTS_URL empty), then drives
one page on each with Debian's Chromium (Playwright), alternating: type an expression answer,
click Submit, and time from the click to the first frame painted after the verdict lands in the
status region. Prints p50/p95/mean per way and their ratio, with the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.latency import SLUG, live_stack, table
from bench.load import PASSWORD, wait_for_site
from tangent.embedded_redis import free_port

CHROMIUM = "/usr/bin/chromium"
# From the click to the frame after the verdict fragment is in the status region (ms).
CLICK_TO_VERDICT = """() => new Promise((resolve) => {
  const result = document.getElementById("result");
  result.innerHTML = "";
  const start = performance.now();
  const seen = new MutationObserver(() => {
    if (!result.querySelector(".grading.done")) return;
    seen.disconnect();
    requestAnimationFrame(() => resolve(performance.now() - start));
  });
  seen.observe(result, { childList: true, subtree: true });
  document.querySelector("form.answer button[type=submit]").click();
})"""


def opened(browser, site: str):
    """A logged-in page on the exercise, its answer typed."""
    page = browser.new_context().new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("l0")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/courses/**")
    page.goto(f"{site}/courses/load/exercises/{SLUG}/")
    page.get_by_label("Your answer").fill("2x cos(x^2)")
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--submissions", type=int, default=40, help="answers in all (half each way)"
    )
    parser.add_argument("--workers", type=int, default=1, help="Celery worker processes")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with live_stack(args.workers, "browser") as (stack, port, env, out):
        quiet_port = free_port()
        stack.processes.append(subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "tangent.wsgi", "--bind", f"127.0.0.1:{quiet_port}",
             "--workers", "1", "--threads", "4", "--worker-class", "gthread"],
            cwd=ROOT, env={**env, "TANGENT_EVENTS_URL": ""}, start_new_session=True,
            stdout=(out / "web-no-push.log").open("w"), stderr=subprocess.STDOUT))  # fmt: skip
        wait_for_site(quiet_port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True,
                args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
            )  # fmt: skip
            pages = {
                "push": opened(browser, f"http://127.0.0.1:{port}"),
                "polling": opened(browser, f"http://127.0.0.1:{quiet_port}"),
            }
            load_before = os.getloadavg()[0]
            for page in pages.values():  # warm both servers and the worker
                page.evaluate(CLICK_TO_VERDICT)
            waits: dict[str, list[float]] = {way: [] for way in pages}
            for i in range(args.submissions):
                way = "push" if i % 2 == 0 else "polling"
                waits[way].append(pages[way].evaluate(CLICK_TO_VERDICT) / 1000)
                pages[way].wait_for_timeout(300)
            load = (load_before, os.getloadavg()[0])
            browser.close()
    title = f"Click Submit to verdict painted ({SLUG}), Chromium, {args.workers} worker(s)"
    table(title, waits, load)
    return 0


if __name__ == "__main__":
    sys.exit(main())
