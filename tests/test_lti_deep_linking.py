"""LTI deep linking: an instructor picks an exercise and the platform gets a link with a gradebook column."""

from __future__ import annotations

import re

import pytest
import requests

from tests.support.lti import launch
from tests.support.lti_platform import LTI

pytestmark = pytest.mark.django_db(transaction=True)

DL_DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"


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
