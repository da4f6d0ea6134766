"""Accounts people make for themselves, and the usernames kept for accounts made by integrations.

Accounts behind an outside identity (an LMS user, an API client's learner, an XQueue) are found
through their link rows, never by username; their usernames start with a reserved prefix and are
random, so nobody can sign up first under the name such an account will get.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from courseware.models import Course, Membership

RESERVED_PREFIXES = ("lti-", "api-", "xqueue-")


def check_not_reserved(username: str) -> None:
    """Refuse a username that only integrations may hold."""
    if username.strip().lower().startswith(RESERVED_PREFIXES):
        prefixes = ", ".join(f"“{p}”" for p in RESERVED_PREFIXES)
        raise ValidationError(f"Usernames starting with {prefixes} are reserved; choose another.")


def new_integration_user(prefix: str, **fields) -> AbstractBaseUser:
    """A new user with a random username under a reserved `prefix` and no usable password."""
    assert prefix in RESERVED_PREFIXES, prefix
    users = get_user_model().objects
    for _ in range(5):
        try:
            with transaction.atomic():
                return users.create_user(
                    username=f"{prefix}{secrets.token_hex(12)}", password=None, **fields
                )
        except IntegrityError:  # a random name already taken: draw again
            continue
    raise RuntimeError("could not draw a free username")


def service_user(username: str) -> AbstractBaseUser:
    """The account an integration acts as (e.g. `xqueue-<queue>`), made on first use.

    Its name is configured, not random, so it must carry a reserved prefix, and an account of that
    name that someone can log in to (a password is set) is never taken over.
    """
    if not username.startswith(RESERVED_PREFIXES):
        raise ValueError(f"{username!r} does not start with a reserved prefix")
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"password": make_password(None)}
    )
    if user.has_usable_password():
        raise PermissionError(f"The account {username!r} has a password: it is not a service's.")
    return user


def join_open_courses(user) -> None:
    """A new account joins every course open to everyone."""
    for course in Course.objects.filter(open_enrolment=True):
        Membership.objects.get_or_create(user=user, course=course)
