"""LTI fixtures for every test module: a running test platform, its registration, eager tasks."""

from __future__ import annotations

import pytest
import requests

from tangent.celery import app
from tests.support.lti_platform import LtiPlatform


@pytest.fixture
def platform(live_server, settings):
    settings.OUTBOUND_ALLOW_PRIVATE = True
    settings.LMS_RETRY_BASE_SECONDS = 0
    with LtiPlatform(live_server.url) as running:
        yield running


@pytest.fixture
def registration(platform):
    return platform.register()


@pytest.fixture
def eager_tasks():
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def launch(platform, registration, session=None, claims=None, **sign):
    """Log in and launch like a browser in the LMS; `claims(nonce)` builds the id_token's claims."""
    session = session or requests.Session()
    auth = platform.login(session, registration)
    body = (claims or platform.claims)(auth["nonce"])
    return session.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": platform.sign(body, **sign), "state": auth["state"]},
        allow_redirects=False,
    )


@pytest.fixture
def graded_learner(bank, platform, registration, eager_tasks, monkeypatch):
    """A learner who launched the exercise and answered it correctly (score not yet sent: the
    test delivers the outbox itself, so the kick on commit is held back)."""
    from lti_tool.models import LtiUser

    from courseware.models import Exercise
    from courseware.variants import current_attempt
    from tests.support.grading import right_number_answers
    from tests.support.lti_flows import grade_latest_submission

    monkeypatch.setattr("courseware.outbox.kick", lambda: None)

    from courseware.grading.intake import submit

    launch(platform, registration)
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    submit(attempt, right_number_answers(attempt))
    grade_latest_submission()
    return learner
