"""Secrets at rest: encrypted with TANGENT_ENCRYPTION_KEYS (never SECRET_KEY), and rotatable."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command

from lms import tool_keys, vault

pytestmark = pytest.mark.django_db


def test_a_key_rotation_keeps_old_secrets_readable_and_rotate_secrets_moves_them_to_the_new_key(
    settings,
):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TANGENT_ENCRYPTION_KEYS = [old]
    key = tool_keys.signing_key()
    pem = tool_keys.private_pem(key)
    settings.TANGENT_ENCRYPTION_KEYS = [new, old]
    assert tool_keys.private_pem(key) == pem
    call_command("rotate_secrets")
    settings.TANGENT_ENCRYPTION_KEYS = [new]
    key.refresh_from_db()
    assert tool_keys.private_pem(key) == pem


def test_a_secret_under_a_removed_key_is_reported_not_guessed(settings):
    settings.TANGENT_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    token = vault.encrypt("s3cret")
    settings.TANGENT_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(vault.SecretUnreadable):
        vault.decrypt(token)


def test_production_refuses_to_store_secrets_without_encryption_keys(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.TANGENT_ENCRYPTION_KEYS = []
    settings.DEVELOPMENT = False
    with pytest.raises(ImproperlyConfigured):
        vault.encrypt("x")


def test_the_lti_keys_command_rotates_and_lists_published_keys(capsys):
    call_command("lti_keys", "generate")
    call_command("lti_keys", "rotate")
    out = capsys.readouterr().out
    assert "New signing key" in out
    assert out.count("published") >= 2


def test_rotate_secrets_moves_api_keys_callback_secrets_to_the_new_key(settings):
    from api.keys import create_key
    from tests.support.people import make_user

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TANGENT_ENCRYPTION_KEYS = [old]
    made = create_key(make_user("client"))
    settings.TANGENT_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_secrets")
    settings.TANGENT_ENCRYPTION_KEYS = [new]
    made.record.refresh_from_db()
    assert vault.decrypt(made.record.callback_secret) == made.callback_secret
