"""LTI 1.3 launches from a real (in-process) platform: the full path to the gradebook, several tabs, and a learner inside the platform's frame without cookies."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest
import requests

from courseware.models import Membership, Submission
from lms import launch_state
from lms.models import ScoreSync
from lms.tasks import deliver_outbox
from tests.support.lti import launch
from tests.support.lti_flows import (
    cookieless,
    grade_latest_submission,
    launch_id_of,
    learner,
    open_in_frame,
    right_answer_form,
    submit_on_site,
)
from tests.support.lti_platform import INSTRUCTOR

pytestmark = pytest.mark.django_db(transaction=True)


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
    # No beat runs: the grading's commit sends the score; the worker marks it sent once the
    # platform has answered (after the platform noted it)
    while time.monotonic() < deadline and not (
        platform.scores and ScoreSync.objects.filter(state="sent").exists()
    ):
        time.sleep(0.2)
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
