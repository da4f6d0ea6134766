"""A real Chromium (Debian's), driven by Playwright, against the live test server.

One browser for the session and a fresh context (cookies, storage) for every page a test opens.
Learners are signed in by a session the server makes (`sign_in`); one test drives the log-in form
itself (tests/e2e/test_learner_browser.py). Screenshots are taken when a test fails (every page it
opened, under test-artifacts/), or at each `screenshot()` with TANGENT_SCREENSHOTS=1.
"""

import contextlib
import os
import re
from pathlib import Path

import pytest

from tests.conftest import ROOT, require_tool

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = os.environ.get("TANGENT_SCREENSHOTS") == "1"
FAILED = pytest.StashKey[bool]()
# Playwright's sync API runs an event loop in the test thread; the ORM calls in tests are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Remembers a failure, so that the pages' fixture takes their screenshots before closing them."""
    report = yield
    if report.failed:
        item.stash[FAILED] = True
    return report


@pytest.fixture(autouse=True)
def push_only_when_served(settings):
    """The live server does not serve /events: pages poll unless a test starts the push service
    (the `events` fixture), instead of reporting a failed events link in the console."""
    settings.TANGENT_EVENTS_URL = ""


@pytest.fixture(scope="session")
def browser():
    require_tool(CHROMIUM, "browser tests need Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, request):
    """`new_page(**context_options)`: a page in a fresh browser context, which collects the
    console's errors (`page.console_errors`). Every context is closed after the test; a failed
    test leaves a screenshot of each of its pages first."""
    contexts = []

    def new(**options):
        context = browser.new_context(**options)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda message: errors.append(message.text) if message.type == "error" else None,
        )
        page.console_errors = errors
        return page

    yield new
    failed = request.node.stash.get(FAILED, False)
    for number, context in enumerate(contexts):
        if failed:
            name = re.sub(r"[^\w.-]+", "-", request.node.name)
            for tab, opened in enumerate(context.pages):
                with contextlib.suppress(Exception):  # a page that has gone: the report says why
                    _take(opened, f"failed-{name}-{number}-{tab}")
        context.close()


@pytest.fixture
def page(new_page):
    return new_page(viewport={"width": 1100, "height": 900})


def sign_in(page, site: str, username: str) -> None:
    """The user signed in in the page's browser context: the server makes the session (as a
    log-in does, through Django's session engine) and the context gets its cookie."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.value,
                "url": site,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def screenshot(page, name: str) -> Path | None:
    """A screenshot of what the page shows, kept with TANGENT_SCREENSHOTS=1 (a failed test's pages
    are kept anyway)."""
    return _take(page, name) if SCREENSHOTS else None


def _take(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
