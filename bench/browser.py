"""Click Submit to verdict painted, in Chromium, with push on and with push off, in the same run.

Starts the stack bench/latency.py starts (push service included) and a second web server on the
same database, Redis and workers with push switched off (TANGENT_EVENTS_URL empty), then opens
one page per answer kind on each with Debian's Chromium (Playwright): a number, an expression and
a matrix answer (each wrong for every variant, as bench/latency.py sends them) and a code answer
(right: its tests all run in the sandbox). It clicks Submit on each in turn (brought to the front,
as the learner's tab is), alternating the two servers, and times from the click to the first frame painted after the verdict lands in the
status region. Prints p50/p95/mean per kind and way, their ratio and the push way's p95 against
its target, with the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.latency import SYMBOLIC, live_stack, table
from bench.load import PASSWORD, RIGHT_D_SIGMA, percentile, wait_for_site
from tangent.embedded_redis import free_port

CHROMIUM = "/usr/bin/chromium"
JACOBIAN_CELLS = {"part-answer-0-0": "2x y + 3", "part-answer-0-1": "x^2",
                  "part-answer-1-0": "cos(x)", "part-answer-1-1": "2y"}  # fmt: skip
# kind: (exercise, the page's fields and what is typed in them, push p95 target in ms)
KINDS = {
    "number": (SYMBOLIC["number"][0], {"part-answer": "-1"}, 150),
    "expression": (SYMBOLIC["expression"][0], {"part-answer": "2x cos(x^2)"}, 150),
    "matrix": (SYMBOLIC["matrix"][0], JACOBIAN_CELLS, 150),
    "code": ("m3-d-sigma", {"part-code": RIGHT_D_SIGMA}, 250),
}
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


def logged_in(browser, site: str):
    """A browser context logged in as the learner l0."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site}/accounts/login/")
    page.get_by_label("Username").fill("l0")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{site}/courses/**")
    page.close()
    return context


def opened(context, site: str, kind: str):
    """A page on the kind's exercise, its answer typed."""
    slug, fields, _ = KINDS[kind]
    page = context.new_page()
    page.goto(f"{site}/courses/load/exercises/{slug}/")
    for name, value in fields.items():
        field = page.locator(f'[name="{name}"]')
        if field.is_hidden():  # a code answer's textarea, under its editor (CodeMirror)
            page.locator(f'[name="{name}"] + .cm-editor .cm-content').fill(value)
            if field.input_value().strip() != value.strip():
                raise RuntimeError(f"the code editor holds {field.input_value()!r}")
        else:
            field.fill(value)
    return page


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-kind", type=int, default=50, help="answers of each kind each way")
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
            sites = {
                "push": f"http://127.0.0.1:{port}",
                "polling": f"http://127.0.0.1:{quiet_port}",
            }
            contexts = {way: logged_in(browser, site) for way, site in sites.items()}
            pages = {
                (kind, way): opened(contexts[way], site, kind)
                for kind in KINDS
                for way, site in sites.items()
            }
            for page in pages.values():  # warm both servers, the worker and each exercise
                page.bring_to_front()
                page.evaluate(CLICK_TO_VERDICT)
            load_before = os.getloadavg()[0]
            waits = {kind: {way: [] for way in sites} for kind in KINDS}
            for _ in range(args.per_kind):
                for (kind, way), page in pages.items():
                    # The learner's tab is in front: Chromium throttles a tab behind others.
                    page.bring_to_front()
                    waits[kind][way].append(page.evaluate(CLICK_TO_VERDICT) / 1000)
                    page.wait_for_timeout(300)
            load = (load_before, os.getloadavg()[0])
            browser.close()
    for kind, (slug, _, target) in KINDS.items():
        title = (
            f"Click Submit to verdict painted, {kind} ({slug}), Chromium, {args.workers} worker(s)"
        )
        table(title, waits[kind], load)
        p95 = percentile(waits[kind]["push"], 95) * 1000
        print(
            f"push p95 {p95:.0f} ms against the target of {target} ms: {'met' if p95 <= target else 'missed'}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
