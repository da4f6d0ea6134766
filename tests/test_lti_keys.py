"""LTI keys on both sides: platform key rotation, tool key rotation, tool keys encrypted at rest."""

from __future__ import annotations

import pytest
import requests

from lms import tool_keys
from tests.support.lti import launch

pytestmark = pytest.mark.django_db(transaction=True)


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
