"""Steps of LTI tests shared by several files: grading the latest submission, answering on the
site, and opening a launch inside the platform's frame without cookies."""

from __future__ import annotations

import re
from http.cookiejar import DefaultCookiePolicy
from urllib.parse import parse_qs, urlsplit

import requests

from courseware.models import Submission
from courseware.tasks import grade_submission
from courseware.variants import current_attempt
from tests.support.grading import right_number_answers
from tests.support.lti import launch


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
