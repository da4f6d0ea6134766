"""Where settings come from: the process environment, then an ignored `.env` written by `make install`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import overload

from dotenv import dotenv_values

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("TANGENT_VAR_DIR", BASE_DIR / "var"))
EMBEDDED_REDIS_URL_FILE = VAR_DIR / "redis.url"

ENV_FILE = Path(os.environ.get("TANGENT_ENV_FILE", BASE_DIR / ".env"))
_dotenv = dotenv_values(ENV_FILE) if ENV_FILE.is_file() else {}


@overload
def env(name: str, default: None = None) -> str | None: ...
@overload
def env(name: str, default: str) -> str: ...
def env(name: str, default: str | None = None) -> str | None:
    """A setting from the environment, else from `.env`, else `default`."""
    if name in os.environ:
        return os.environ[name]
    value = _dotenv.get(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


def redis_url() -> str | None:
    """REDIS_URL, or the embedded Redis that `make run` started (its URL is kept in var/redis.url)."""
    url = env("REDIS_URL")
    if url:
        return url
    if EMBEDDED_REDIS_URL_FILE.exists():
        return EMBEDDED_REDIS_URL_FILE.read_text().strip() or None
    return None


def demo_logins() -> str:
    """The demo log-ins of the development .env, as `make run` prints them."""
    password = env("DEMO_PASSWORD")
    return f"Demo log-ins (development only):\n  learner    / {password}\n  instructor / {password}"
