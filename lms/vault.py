"""Secrets at rest (tool private keys, webhook secrets), encrypted with TANGENT_ENCRYPTION_KEYS.

The setting is a list of Fernet keys, newest first: new values are encrypted with the first,
and any of them decrypts, so keys rotate by prepending one and running `rotate_secrets`.
Without the setting, development mode keeps a generated key in var/; production refuses.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from tangent.environment import VAR_DIR

DEVELOPMENT_KEY_FILE = VAR_DIR / "encryption.key"


class SecretUnreadable(Exception):
    """A stored secret was encrypted with a key that is no longer configured."""


def configured_keys() -> list[str]:
    """The Fernet keys from settings, or the development key file (created on first use)."""
    keys = [k for k in settings.TANGENT_ENCRYPTION_KEYS if k]
    if keys:
        return keys
    if not getattr(settings, "DEVELOPMENT", False):
        raise ImproperlyConfigured("TANGENT_ENCRYPTION_KEYS is required to store secrets.")
    if not DEVELOPMENT_KEY_FILE.exists():
        DEVELOPMENT_KEY_FILE.parent.mkdir(parents=True, exist_ok=True)
        DEVELOPMENT_KEY_FILE.write_text(Fernet.generate_key().decode())
        DEVELOPMENT_KEY_FILE.chmod(0o600)
    return [DEVELOPMENT_KEY_FILE.read_text().strip()]


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k.encode()) for k in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(configured_keys()))


def encrypt(plain: str) -> str:
    return cipher().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable("no configured encryption key opens this secret") from error


def reencrypt(token: str) -> str:
    """The same secret under the newest key (for key rotation)."""
    return cipher().rotate(token.encode()).decode()
