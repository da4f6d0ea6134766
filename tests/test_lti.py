"""LTI 1.3 Advantage: launches from a real (in-process) platform, deep linking, grade passback."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from html import unescape
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.utils import timezone

from courseware.models import Membership, Submission
from courseware.tasks import grade_submission
from courseware.variants import current_attempt
from lms import launch_state, tool_keys
from lms.models import ScoreSync
from lms.tasks import deliver_outbox, send_score
from tests.support.grading import right_number_answers
from tests.support.lti import launch
from tests.support.lti_platform import INSTRUCTOR, LTI, SigningKey

pytestmark = pytest.mark.django_db(transaction=True)

DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


def grade_latest_submission() -> Submission:
    submission = Submission.objects.latest("pk")
    grade_submission.apply(args=(submission.pk, submission.grading_round))
    return Submission.objects.select_related("grading").get(pk=submission.pk)


def right_answer_form(learner, exercise_slug) -> dict:
    """The exercise form's fields (attempt and parts), filled with the right answer."""
    from courseware.answer_forms import field_name
    from courseware.models import Exercise
    from courseware.variants import definition_of

    attempt = current_attempt(learner, Exercise.objects.get(slug=exercise_slug))
    answer = right_number_answers(attempt)
    data = {"attempt": attempt.pk}
    for part in definition_of(attempt).parts:
        data[field_name(part)] = answer["parts"][part.name]["value"]
    return data


def submit_on_site(session, platform, page_url, learner, exercise_slug):
    """Answer the exercise page as the learner's browser would (CSRF token, attempt, fields)."""
    page = session.get(page_url)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = {"csrfmiddlewaretoken": csrf, **right_answer_form(learner, exercise_slug)}
    response = session.post(page_url + "submit/", data=data, headers={"Referer": page_url})
    assert response.status_code == 202, response.text
    return response


# --- the full path -----------------------------------------------------------------------------


def test_a_learner_launch_opens_the_exercise_and_the_score_reaches_the_gradebook(
    bank, platform, registration, eager_tasks
):
    session = requests.Session()
    response = launch(platform, registration, session)
    assert response.status_code == 302
    landing = session.get(platform.tool + response.headers["Location"], allow_redirects=False)
    page_url = platform.tool + landing.headers["Location"]
    assert "/exercises/m1-rise-over-run/" in page_url
    page = session.get(page_url)
    assert page.status_code == 200
    assert "Rise over run" in page.text
    assert f"frame-ancestors {platform.url}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers

    from lti_tool.models import LtiUser

    learner = LtiUser.objects.get(sub="learner-1").auth_user
    assert not learner.has_usable_password()
    submit_on_site(session, platform, page_url, learner, "m1-rise-over-run")
    graded = grade_latest_submission()
    assert graded.grading.verdict == "correct"

    deliver_outbox.apply()
    assert len(platform.scores) == 1
    score = platform.scores[0]
    assert score["userId"] == "learner-1"
    assert score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert score["gradingProgress"] == "FullyGraded"
    assert score["lineitem"] == "/lineitems/1"
    assert score["content_type"] == "application/vnd.ims.lis.v1.score+json"
    sync = ScoreSync.objects.get()
    assert sync.state == "sent" and sync.submission_id == graded.pk


def test_with_real_workers_a_launched_learners_score_reaches_the_gradebook(
    bank, platform, registration, live_worker
):
    from lti_tool.models import LtiUser

    live_worker(TANGENT_OUTBOUND_ALLOW_PRIVATE="1", TANGENT_LMS_RETRY_BASE_SECONDS="0")
    session = requests.Session()
    landing = launch(platform, registration, session).headers["Location"]
    page_url = (
        platform.tool
        + session.get(platform.tool + landing, allow_redirects=False).headers["Location"]
    )
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    submit_on_site(session, platform, page_url, learner, "m1-rise-over-run")
    deadline = time.monotonic() + 60
    while not platform.scores and time.monotonic() < deadline:
        time.sleep(0.2)  # no beat runs: the grading's commit sends the score
    assert platform.scores and platform.scores[0]["scoreGiven"] == 100
    assert ScoreSync.objects.get().state == "sent"


def test_an_instructor_launch_makes_them_staff_of_the_course(bank, platform, registration):
    session = requests.Session()

    def instructor(nonce):
        return platform.claims(nonce, role=INSTRUCTOR, sub="teacher-1")

    response = launch(platform, registration, session, instructor)
    assert response.status_code == 302
    membership = Membership.objects.get(user__lti_users__sub="teacher-1")
    assert membership.role == "staff"
    assert membership.course.title == "Multivariate Calculus"


def test_a_second_launch_from_the_same_context_reuses_the_learner_and_course(
    bank, platform, registration
):
    launch(platform, registration)
    launch(platform, registration)
    assert Membership.objects.filter(course__slug__startswith="lti-").count() == 1


def test_several_tabs_keep_their_own_launches(bank, platform, registration):
    session = requests.Session()
    first = launch(platform, registration, session).headers["Location"]
    second = launch(
        platform,
        registration,
        session,
        lambda nonce: platform.claims(nonce, quiz="m1-rise-over-run-quiz"),
    ).headers["Location"]
    assert first != second
    to_first = session.get(platform.tool + first, allow_redirects=False).headers["Location"]
    to_second = session.get(platform.tool + second, allow_redirects=False).headers["Location"]
    assert "/exercises/m1-rise-over-run/" in to_first
    assert "/quizzes/m1-rise-over-run-quiz/" in to_second


def test_pages_outside_a_launch_may_not_be_framed(platform, registration):
    page = requests.get(platform.tool + "/accounts/login/", timeout=10)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


# --- inside the LMS frame, without cookies ---------------------------------------------------------


def cookieless() -> requests.Session:
    """A browser inside a cross-site frame: cookies the tool sets never come back."""
    frame = requests.Session()
    frame.cookies.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return frame


def open_in_frame(platform, registration, frame, **claims) -> str:
    """Launch, then land in the frame; the exercise page's URL, which carries the launch id."""
    build = (lambda nonce: platform.claims(nonce, **claims)) if claims else None
    landing = launch(platform, registration, claims=build).headers["Location"]
    opened = frame.get(platform.tool + landing, allow_redirects=False)
    assert opened.status_code == 302
    return platform.tool + opened.headers["Location"]


def launch_id_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["launch"][0]


def learner(sub="learner-1"):
    from lti_tool.models import LtiUser

    return LtiUser.objects.get(sub=sub).auth_user


def test_a_learner_in_a_frame_without_cookies_answers_and_sees_the_verdict(
    bank, platform, registration
):
    frame = cookieless()
    page_url = open_in_frame(platform, registration, frame)
    assert "/exercises/m1-rise-over-run/?launch=" in page_url
    launch_id = launch_id_of(page_url)
    page = frame.get(page_url)
    assert page.status_code == 200 and "Rise over run" in page.text
    assert f'<meta name="tangent-launch" content="{launch_id}">' in page.text
    assert "Open in a new tab" in page.text
    assert f"frame-ancestors {platform.url}" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers
    assert page.headers["Referrer-Policy"] == "same-origin"  # the id in URLs stays on this site

    form = {**right_answer_form(learner(), "m1-rise-over-run"), "launch": launch_id}
    submitted = frame.post(page_url.split("?")[0] + "submit/", data=form)  # no CSRF cookie
    assert submitted.status_code == 202 and "Grading" in submitted.text
    graded = grade_latest_submission()
    poll = frame.get(
        f"{platform.tool}/submissions/{graded.pk}/", headers={"X-Tangent-Launch": launch_id}
    )
    assert poll.status_code == 200
    assert "Correct" in poll.text and "score 100%" in poll.text

    preview = frame.post(
        f"{platform.tool}/api/v1/preview",
        json={"exercise": "m1-chain-rule", "value": "2x cos(x^2)"},
        headers={"X-Tangent-Launch": launch_id},
    )
    assert preview.status_code == 200 and "\\cos" in preview.json()["latex"]

    another = frame.post(
        page_url.split("?")[0] + "another-variant/",
        data={"launch": launch_id},
        allow_redirects=False,
    )
    assert another.status_code == 302 and f"launch={launch_id}" in another.headers["Location"]
    assert "Variant 2" in frame.get(platform.tool + another.headers["Location"]).text
    assert not frame.cookies


def test_the_framed_page_opens_in_a_new_tab_with_a_one_time_sign_in(bank, platform, registration):
    frame = cookieless()
    page = frame.get(open_in_frame(platform, registration, frame))
    link = unescape(re.search(r'href="([^"]*login=[^"]+)"', page.text).group(1))
    new_tab = requests.Session()
    opened = new_tab.get(platform.tool + link)
    assert opened.status_code == 200 and "Rise over run" in opened.text
    assert "launch=" not in opened.url  # the new tab has its own session
    again = requests.Session().get(platform.tool + link)
    assert again.status_code == 400 and "used already" in again.text


@pytest.mark.parametrize("launch_id", ["forged-launch-id", "expired"])
def test_an_unknown_or_expired_launch_id_gives_no_access(bank, platform, registration, launch_id):
    frame = cookieless()
    page_url = open_in_frame(platform, registration, frame)
    if launch_id == "expired":
        launch_id = launch_id_of(page_url)
        launch_state.forget(launch_id)
    exercise = page_url.split("?")[0]
    page = frame.get(exercise, params={"launch": launch_id}, allow_redirects=False)
    assert page.status_code == 302 and "/accounts/login/" in page.headers["Location"]
    form = {**right_answer_form(learner(), "m1-rise-over-run"), "launch": launch_id}
    assert frame.post(exercise + "submit/", data=form).status_code == 403
    preview = frame.post(
        f"{platform.tool}/api/v1/preview",
        json={"exercise": "m1-chain-rule", "value": "1"},
        headers={"X-Tangent-Launch": launch_id},
    )
    assert preview.status_code in (401, 403)
    assert not Submission.objects.exists()


def test_a_launch_id_opens_neither_the_admin_nor_the_api_key_api(bank, platform, registration):
    frame = cookieless()
    launch_id = launch_id_of(open_in_frame(platform, registration, frame))
    user = learner()
    user.is_staff = user.is_superuser = True
    user.save()
    header = {"X-Tangent-Launch": launch_id}
    admin = frame.get(
        f"{platform.tool}/admin/",
        params={"launch": launch_id},
        headers=header,
        allow_redirects=False,
    )
    assert admin.status_code == 302 and "/admin/login/" in admin.headers["Location"]
    for path in ("/api/v1/exercises", "/api/v1/api-keys", "/api/v1/submissions"):
        assert frame.get(platform.tool + path, headers=header).status_code == 401, path
    created = frame.post(f"{platform.tool}/api/v1/api-keys", json={"name": "x"}, headers=header)
    assert created.status_code == 401


def test_a_launch_id_acts_only_as_its_own_learner(bank, platform, registration):
    first = cookieless()
    first_id = launch_id_of(open_in_frame(platform, registration, first))
    second = cookieless()
    second_url = open_in_frame(platform, registration, second, sub="learner-2")
    form = {
        **right_answer_form(learner("learner-2"), "m1-rise-over-run"),
        "launch": launch_id_of(second_url),
    }
    assert second.post(second_url.split("?")[0] + "submit/", data=form).status_code == 202
    theirs = Submission.objects.get()
    poll = first.get(
        f"{platform.tool}/submissions/{theirs.pk}/", headers={"X-Tangent-Launch": first_id}
    )
    assert poll.status_code == 404
    # A browser logged in as someone else stays that person: a launch id does not switch users.
    other = requests.Session()
    landing = launch(
        platform,
        registration,
        other,
        lambda n: {**platform.claims(n, sub="learner-3"), "name": "Cleo Other"},
    )
    other.get(platform.tool + landing.headers["Location"])
    page = other.get(second_url.replace(launch_id_of(second_url), first_id))
    assert "Cleo Other" in page.text
    assert "Ada Lovelace" not in page.text  # the first launch's learner


# --- deep linking --------------------------------------------------------------------------------


def test_an_instructor_picks_an_exercise_and_the_platform_gets_a_link_with_a_gradebook_column(
    bank, platform, registration
):
    session = requests.Session()
    response = launch(platform, registration, session, platform.deep_linking_claims)
    assert response.status_code == 302
    select_url = platform.tool + response.headers["Location"]
    picker = session.get(select_url)
    assert "Rise over run" in picker.text
    launch_id = re.search(r'name="launch" value="([^"]+)"', picker.text).group(1)
    chosen = session.post(
        select_url, data={"launch": launch_id, "item": "exercise:m1-rise-over-run"}
    )
    assert chosen.status_code == 200
    assert f"form-action 'self' {platform.url}" in chosen.headers["Content-Security-Policy"]
    assert "<script src=" in chosen.text and "deep_link_return.js" in chosen.text
    action = re.search(r'action="([^"]+)"', chosen.text).group(1)
    token = re.search(r'name="JWT" value="([^"]+)"', chosen.text).group(1)
    assert requests.post(action, data={"JWT": token}, timeout=10).status_code == 200

    message = platform.deep_link_responses[0]
    assert message[LTI + "message_type"] == "LtiDeepLinkingResponse"
    assert message[DL_DATA] == "opaque-platform-data"
    (item,) = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink"
    assert item["url"] == f"{platform.tool}/lti/launch"
    assert item["custom"] == {"exercise": "m1-rise-over-run"}
    assert item["lineItem"] == {
        "scoreMaximum": 100,
        "label": "Rise over run",
        "resourceId": "exercise:m1-rise-over-run",
    }
    resent = session.post(
        select_url, data={"launch": launch_id, "item": "quiz:m1-rise-over-run-quiz"}
    )
    assert resent.status_code == 400


def test_a_deep_linking_response_has_no_data_claim_when_the_platform_sent_no_data(
    bank, platform, registration
):
    def without_data(nonce):  # as Open edX asks
        claims = platform.deep_linking_claims(nonce)
        del claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]["data"]
        return claims

    session = requests.Session()
    select_url = (
        platform.tool + launch(platform, registration, session, without_data).headers["Location"]
    )
    launch_id = re.search(r'name="launch" value="([^"]+)"', session.get(select_url).text).group(1)
    chosen = session.post(
        select_url, data={"launch": launch_id, "item": "quiz:m1-rise-over-run-quiz"}
    )
    action = re.search(r'action="([^"]+)"', chosen.text).group(1)
    token = re.search(r'name="JWT" value="([^"]+)"', chosen.text).group(1)
    assert requests.post(action, data={"JWT": token}, timeout=10).status_code == 200
    (message,) = platform.deep_link_responses
    assert DL_DATA not in message
    assert message[LTI + "message_type"] == "LtiDeepLinkingResponse"


def test_deep_linking_is_refused_where_the_platform_takes_no_resource_links(
    bank, platform, registration
):
    def files_only(nonce):
        claims = platform.deep_linking_claims(nonce)
        claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"][
            "accept_types"
        ] = ["file"]
        return claims

    response = launch(platform, registration, claims=files_only)
    assert response.status_code == 400 and "resource links" in response.text


def test_a_learner_cannot_start_deep_linking(bank, platform, registration):
    def learner_deep_link(nonce):
        claims = platform.deep_linking_claims(nonce)
        claims[LTI + "roles"] = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]
        return claims

    response = launch(platform, registration, claims=learner_deep_link)
    assert response.status_code == 400
    assert "Only instructors" in response.text


# --- keys on both sides ------------------------------------------------------------------------


def test_a_platform_key_rotation_is_picked_up_by_refetching_its_key_set_once(
    bank, platform, registration
):
    assert launch(platform, registration).status_code == 302
    assert platform.jwks_fetches == 1
    assert launch(platform, registration).status_code == 302
    assert platform.jwks_fetches == 1  # cached
    platform.rotate_key()
    assert launch(platform, registration).status_code == 302
    assert platform.jwks_fetches == 2


def test_a_tool_key_rotation_signs_with_the_new_key_and_keeps_the_old_one_published_for_a_while(
    bank, platform, registration, settings, eager_tasks
):
    from lms.passback import SCORE_SCOPE, access_token

    old = tool_keys.signing_key()
    access_token(registration, [SCORE_SCOPE], fresh=True)
    new = tool_keys.rotate()
    published = [
        k["kid"]
        for k in requests.get(platform.tool + "/.well-known/jwks.json", timeout=10).json()["keys"]
    ]
    assert published == [tool_keys.kid(new), tool_keys.kid(old)]
    access_token(registration, [SCORE_SCOPE], fresh=True)
    assert platform.tool_kids_seen == [tool_keys.kid(old), tool_keys.kid(new)]
    settings.LTI_KEY_GRACE_HOURS = 0
    published = [
        k["kid"]
        for k in requests.get(platform.tool + "/.well-known/jwks.json", timeout=10).json()["keys"]
    ]
    assert published == [tool_keys.kid(new)]
    assert tool_keys.retire_expired() == 1


def test_tool_private_keys_are_stored_encrypted(db):
    key = tool_keys.signing_key()
    assert "PRIVATE KEY" not in key.private_key
    assert tool_keys.private_pem(key).startswith("-----BEGIN PRIVATE KEY-----")


# --- forged and replayed launches ------------------------------------------------------------------


def forge(**changes):
    """A claims builder that changes (or with None, removes) top-level claims."""

    def build(platform):
        def claims(nonce):
            body = platform.claims(nonce)
            for name, value in changes.items():
                name = name.replace("__", "/").replace("LTI_", LTI)
                if value is None:
                    body.pop(name, None)
                else:
                    body[name] = value(body) if callable(value) else value
            return body

        return claims

    return build


FORGERIES = {
    "no exp": (forge(exp=None), "'exp'"),
    "no iat": (forge(iat=None), "'iat'"),
    "an old iat": (
        forge(iat=lambda b: int(time.time()) - 600, exp=lambda b: int(time.time()) + 300),
        "too long ago",
    ),
    "an iat in the future": (forge(iat=lambda b: int(time.time()) + 600), "future"),
    "an expired token": (forge(exp=lambda b: int(time.time()) - 120), "expired"),
    "another audience": (forge(aud="someone-else"), "audience"),
    "several audiences without azp": (forge(aud=["tangent-client", "other"]), "azp"),
    "an azp that is not us": (forge(aud=["tangent-client", "other"], azp="other"), "azp"),
    "another issuer": (forge(iss="https://evil.example"), "issuer"),
    "no sub": (forge(sub=None), "'sub'"),
    "an empty sub": (forge(sub=" "), "subject"),
    "an unknown deployment": (forge(LTI_deployment_id="deployment-9"), "deployment"),
    "version 1.1": (forge(LTI_version="1.1.0"), "1.3.0"),
    "a target on another host": (
        forge(LTI_target_link_uri="https://evil.example/lti/launch"),
        "target_link_uri",
    ),
    "no nonce": (forge(nonce=None), "'nonce'"),
    "another nonce": (forge(nonce="made-up"), "nonce does not match"),
    "no resource link": (forge(LTI_resource_link=None), "resource link"),
    "no roles": (forge(LTI_roles=None), "roles"),
    "a custom claim that is not an object": (forge(LTI_custom=["exercise"]), "not an object"),
    "an unknown message type": (forge(LTI_message_type="LtiSomethingElse"), "does not handle"),
}


@pytest.mark.parametrize("name", FORGERIES)
def test_a_forged_launch_is_refused_with_its_reason(platform, registration, name):
    build, reason = FORGERIES[name]
    response = launch(platform, registration, claims=build(platform))
    assert response.status_code == 400, name
    assert "This launch was refused" in response.text
    assert reason in unescape(response.text), response.text


def test_a_launch_signed_with_alg_none_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = _unsigned(platform.claims(auth["nonce"]), platform.key.kid)
    response = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert response.status_code == 400 and "only RS256" in unescape(response.text)


def _unsigned(claims, kid):
    import base64
    import json

    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'kid': kid})}.{part(claims)}."


def test_a_launch_signed_with_a_shared_secret_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = __import__("jwt").encode(
        platform.claims(auth["nonce"]),
        "a" * 32,
        algorithm="HS256",
        headers={"kid": platform.key.kid},
    )
    response = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert response.status_code == 400 and "only RS256" in unescape(response.text)


def test_a_launch_signed_by_a_key_the_platform_never_published_is_refused(platform, registration):
    intruder = SigningKey()
    intruder.kid = platform.key.kid  # claims to be the platform's key
    response = launch(platform, registration, key=intruder)
    assert response.status_code == 400 and "signature does not verify" in unescape(response.text)


def test_an_unknown_key_id_is_refetched_once_then_refused(platform, registration):
    launch(platform, registration)  # fetches and caches the platform's key set
    fetches = platform.jwks_fetches
    response = launch(platform, registration, key=SigningKey())
    assert response.status_code == 400 and "has no key" in unescape(response.text)
    assert platform.jwks_fetches == fetches + 1


def test_a_replayed_state_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = platform.sign(platform.claims(auth["nonce"]))
    first = session.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": token, "state": auth["state"]},
        allow_redirects=False,
    )
    assert first.status_code in (302, 400)  # no bank loaded: the link's exercise may be unknown
    again = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": auth["state"]}
    )
    assert again.status_code == 400 and "already used" in unescape(again.text)


def test_a_replayed_id_token_with_a_fresh_state_is_refused(platform, registration):
    session = requests.Session()
    auth = platform.login(session, registration)
    token = platform.sign(platform.claims(auth["nonce"]))
    session.post(
        f"{platform.tool}/lti/launch",
        data={"id_token": token, "state": auth["state"]},
        allow_redirects=False,
    )
    second = platform.login(session, registration)
    replay = session.post(
        f"{platform.tool}/lti/launch", data={"id_token": token, "state": second["state"]}
    )
    assert replay.status_code == 400 and "nonce" in unescape(replay.text)


def test_a_launch_for_an_inactive_deployment_is_refused(platform, registration):
    from lti_tool.models import LtiDeployment

    LtiDeployment.objects.filter(registration=registration).update(is_active=False)
    response = launch(platform, registration)
    assert response.status_code == 400 and "not known or not active" in unescape(response.text)


def test_a_launch_without_an_id_token_is_refused(platform, registration):
    response = requests.post(f"{platform.tool}/lti/launch", data={"state": "x"}, timeout=10)
    assert response.status_code == 400 and "no id_token" in unescape(response.text)


def test_a_login_for_a_target_on_another_host_is_refused(platform, registration):
    response = requests.get(
        f"{platform.tool}/lti/login/{registration.uuid}",
        params={
            "iss": platform.issuer,
            "login_hint": "x",
            "target_link_uri": "https://evil.example/",
        },
        timeout=10,
    )
    assert response.status_code == 400 and "target_link_uri" in unescape(response.text)


def test_a_login_for_an_unknown_registration_is_refused(platform):
    response = requests.get(
        f"{platform.tool}/lti/login/00000000-0000-0000-0000-000000000000",
        params={"iss": "x"},
        timeout=10,
    )
    assert response.status_code == 400


# --- grade passback --------------------------------------------------------------------------------


@pytest.fixture
def graded_learner(bank, platform, registration, eager_tasks, monkeypatch):
    """A learner who launched the exercise and answered it correctly (score not yet sent: the
    test delivers the outbox itself, so the kick on commit is held back)."""
    from lti_tool.models import LtiUser

    monkeypatch.setattr("courseware.outbox.kick", lambda: None)

    from courseware.grading.intake import submit
    from courseware.models import Exercise

    launch(platform, registration)
    learner = LtiUser.objects.get(sub="learner-1").auth_user
    attempt = current_attempt(learner, Exercise.objects.get(slug="m1-rise-over-run"))
    submit(attempt, right_number_answers(attempt))
    grade_latest_submission()
    return learner


def test_an_expired_token_gets_one_retry_with_a_new_token(graded_learner, platform):
    from lms.passback import SCORE_SCOPE, access_token

    access_token(
        ScoreSync._meta.apps.get_model("lti_tool", "LtiRegistration").objects.get(), [SCORE_SCOPE]
    )
    platform.revoke_tokens()  # the cached token is now refused with 401
    deliver_outbox.apply()
    assert len(platform.scores) == 1
    assert len(platform.token_requests) == 2
    assert ScoreSync.objects.get().state == "sent"


def test_busy_and_failing_platforms_are_retried_with_the_same_timestamp(graded_learner, platform):
    platform.score_replies = [429, 503, 200]
    deliver_outbox.apply()
    assert len(platform.scores) == 1
    stamps = {attempt["timestamp"] for attempt in platform.score_attempts}
    assert len(platform.score_attempts) == 3 and len(stamps) == 1
    assert ScoreSync.objects.get().tries == 3


def test_a_score_the_platform_refuses_is_recorded_as_failed(graded_learner, platform):
    platform.score_replies = [422]
    deliver_outbox.apply()
    sync = ScoreSync.objects.get()
    assert sync.state == "failed"
    assert "422" in sync.last_error
    assert platform.scores == []


def test_score_timestamps_only_move_forward(graded_learner, platform):
    from courseware.models import OutboxEvent
    from lms.models import GradeLine

    line = GradeLine.objects.get()
    line.last_timestamp = timezone.now() + timedelta(minutes=5)  # a clock that ran ahead
    line.save()
    event = OutboxEvent.objects.get(kind="score.changed")
    OutboxEvent.objects.create(kind="score.changed", payload={**event.payload, "score": 0.5})
    deliver_outbox.apply()
    assert len(platform.token_requests) == 1  # the token is cached per registration and scope
    stamps = [s.timestamp for s in ScoreSync.objects.order_by("pk")]
    assert stamps[0] > line.last_timestamp and stamps[1] > stamps[0]
    assert [s["timestamp"] for s in platform.scores] == [
        t.isoformat(timespec="milliseconds") for t in stamps
    ]


def test_a_pending_score_is_not_sent_twice(graded_learner, platform):
    deliver_outbox.apply()
    send_score.apply(args=(ScoreSync.objects.get().pk,))
    assert len(platform.scores) == 1


# --- staff pages: sync state and roster ---------------------------------------------------------------


def instructor_session(platform, registration):
    session = requests.Session()

    def instructor(nonce):
        claims = platform.claims(nonce, role=INSTRUCTOR, sub="teacher-1")
        claims[LTI + "custom"] = {}
        claims["name"] = "Ines Teacher"
        return claims

    landing = launch(platform, registration, session, instructor).headers["Location"]
    staff_url = session.get(platform.tool + landing, allow_redirects=False).headers["Location"]
    return session, platform.tool + staff_url


def test_an_instructor_without_a_linked_item_lands_on_the_lms_staff_page(
    bank, platform, registration
):
    session, staff_url = instructor_session(platform, registration)
    page = session.get(staff_url)
    assert page.status_code == 200
    assert "Sync roster" in page.text and "No grades sent yet." in page.text


def test_staff_see_each_score_sync_and_its_state(graded_learner, platform, registration):
    platform.score_replies = [422]
    deliver_outbox.apply()
    session, staff_url = instructor_session(platform, registration)
    page = session.get(staff_url).text
    assert "Rise over run" in page and "Failed" in page and "platform answered 422" in page
    assert "Ada Lovelace" in page and graded_learner.username not in page


def test_a_learner_cannot_see_the_lms_staff_page(graded_learner, platform, registration):
    session = requests.Session()
    landing = launch(platform, registration, session).headers["Location"]
    session.get(platform.tool + landing)
    course = Membership.objects.get(user=graded_learner).course
    assert session.get(f"{platform.tool}/lti/courses/{course.slug}/").status_code == 404


def sync_roster(session, staff_url) -> str:
    """Press "Sync roster" on the LMS staff page; the page that follows."""
    page = session.get(staff_url)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    synced = session.post(
        staff_url + "roster", data={"csrfmiddlewaretoken": csrf}, headers={"Referer": staff_url}
    )
    return synced.text


def test_staff_sync_the_roster_from_the_platform(bank, platform, registration):
    platform.members = [
        {"user_id": "s-1", "name": "Sam One", "roles": ["Learner"], "status": "Active"},
        {"user_id": "s-2", "name": "Sam Two", "roles": ["Learner"], "status": "Active"},
        {"user_id": "t-2", "name": "Tess", "roles": [INSTRUCTOR], "status": "Active"},
        {"user_id": "s-3", "name": "Gone", "roles": ["Learner"], "status": "Deleted"},
    ]
    session, staff_url = instructor_session(platform, registration)
    assert "Roster synced: 4 members." in sync_roster(session, staff_url)
    roles = {
        m.user.lti_users.get().sub: m.role
        for m in Membership.objects.filter(course__slug__startswith="lti-")
    }
    assert roles == {"teacher-1": "staff", "s-1": "learner", "s-2": "learner", "t-2": "staff"}


# --- names staff can read ----------------------------------------------------------------------------


def staff_page(session, platform, staff_url, path="") -> str:
    """A staff page of the course whose LMS page is `staff_url` (the gradebook by default)."""
    slug = staff_url.rstrip("/").rsplit("/", 1)[-1]
    page = session.get(f"{platform.tool}/courses/{slug}/staff/{path}")
    assert page.status_code == 200
    return page.text


def open_edx_claims(platform, sub="learner-1", **person):
    """A learner launch as Open edX signs it: `name`, `email` and `preferred_username` when PII
    sharing is on, never `given_name` or `family_name`."""

    def claims(nonce):
        body = platform.claims(nonce, sub=sub)
        del body["name"], body["email"]
        return {**body, **person}

    return claims


def test_staff_read_the_name_open_edx_sends_and_it_follows_each_launch(
    bank, platform, registration
):
    person = {"name": "Ada Learner", "email": "ada@example.org", "preferred_username": "ada"}
    launch(platform, registration, claims=open_edx_claims(platform, **person))
    session, staff_url = instructor_session(platform, registration)
    page = staff_page(session, platform, staff_url)
    assert "Ada Learner" in page and learner().username not in page

    person["name"] = "Ada King"
    launch(platform, registration, claims=open_edx_claims(platform, **person))
    page = staff_page(session, platform, staff_url)
    assert "Ada King" in page and "Ada Learner" not in page
    page = staff_page(session, platform, staff_url, f"learners/{learner().pk}/")
    assert "<h1>Ada King</h1>" in page


def test_a_learner_whose_platform_shares_no_name_is_shown_readably(bank, platform, registration):
    by_email = open_edx_claims(platform, sub="s-email", email="bo@example.org")
    launch(platform, registration, claims=by_email)
    launch(platform, registration, claims=open_edx_claims(platform, sub="s-none", name=["x"]))
    session, staff_url = instructor_session(platform, registration)
    page = staff_page(session, platform, staff_url)
    assert "bo@example.org" in page
    unnamed = learner("s-none").username
    assert f"LMS learner {unnamed.removeprefix('lti-')[:8]}" in page and unnamed not in page


def test_the_roster_sync_brings_names_up_to_date(bank, platform, registration):
    launch(platform, registration)  # learner-1, "Ada Lovelace"
    platform.members = [
        {"user_id": "learner-1", "given_name": "Ada", "family_name": "King", "name": "Ada King",
         "roles": ["Learner"]},
        {"user_id": "s-1", "name": "Sam One", "email": "sam@example.org", "roles": ["Learner"]},
        {"user_id": "s-2", "name": {"first": "x"}, "email": "not-an-address", "roles": ["Learner"]},
    ]  # fmt: skip
    session, staff_url = instructor_session(platform, registration)
    assert "Roster synced: 3 members." in sync_roster(session, staff_url)
    page = staff_page(session, platform, staff_url)
    assert "Ada King" in page and "Ada Lovelace" not in page
    assert "Sam One" in page
    assert f"LMS learner {learner('s-2').username.removeprefix('lti-')[:8]}" in page
    assert "not-an-address" not in page


# --- no launch, however odd, is a 500 ------------------------------------------------------------------

CLAIM_NAMES = [
    "sub",
    "name",
    "email",
    "aud",
    "azp",
    LTI + "resource_link",
    LTI + "context",
    LTI + "custom",
    LTI + "roles",
    LTI + "launch_presentation",
    LTI + "target_link_uri",
    LTI + "deployment_id",
    "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint",
    "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice",
]


def test_launches_with_odd_claims_are_refused_or_accepted_but_never_a_server_error(
    bank, platform, registration
):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        lambda inner: (
            st.lists(inner, max_size=3)
            | st.dictionaries(
                st.sampled_from(["id", "title", "lineitem", "scope", "return_url"]),
                inner,
                max_size=3,
            )
        ),
        max_leaves=6,
    )

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(changes=st.dictionaries(st.sampled_from(CLAIM_NAMES), values, min_size=1, max_size=3))
    def check(changes):
        def claims(nonce):
            return {**platform.claims(nonce), **changes}

        response = launch(platform, registration, claims=claims)
        assert response.status_code in (302, 400), (changes, response.text[:300])

    check()
