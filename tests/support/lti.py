"""LTI fixtures for every test module: a running test platform, its registration, eager tasks."""

from __future__ import annotations

import pytest
import requests
from jwcrypto.jwk import JWK

from tangent.celery import app
from tests.support.lti_platform import LtiPlatform


class KeyPool:
    """2048-bit RSA keys, made once a session (30-200 ms each): the n-th key a test asks for is
    the n-th of the pool, so the keys of one test (the platform's, the tool's, an intruder's)
    are all different, as when each is made anew."""

    def __init__(self) -> None:
        self.keys: list[JWK] = []
        self.taken = 0
        self.make = JWK.generate

    def generate(self, **params) -> JWK:
        if params != {"kty": "RSA", "size": 2048}:
            return self.make(**params)
        if self.taken == len(self.keys):
            self.keys.append(self.make(**params))
        key = self.keys[self.taken]
        self.taken += 1
        return JWK(**key.export(private_key=True, as_dict=True))  # a copy of its own


KEYS = KeyPool()


@pytest.fixture(autouse=True)
def rsa_key_pool(monkeypatch):
    """RSA keys (the tool's, a test platform's) come from the session's pool."""
    KEYS.taken = 0
    monkeypatch.setattr(JWK, "generate", KEYS.generate)


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
