"""Accounts people make for themselves, and the usernames kept for accounts made by integrations.

Accounts behind an outside identity (an LMS user, an API client's learner, an XQueue) are found
through their link rows, never by username; their usernames start with a reserved prefix and are
random, so nobody can sign up first under the name such an account will get.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Coalesce, Concat, Length, NullIf, Substr, Trim
from django.db.models.lookups import GreaterThan

from courseware.models import Course, Membership

INTEGRATION_LABELS = {"lti-": "LMS learner", "api-": "API learner", "xqueue-": "XQueue"}
RESERVED_PREFIXES = tuple(INTEGRATION_LABELS)


def check_not_reserved(username: str) -> None:
    """Refuse a username that only integrations may hold."""
    if username.strip().lower().startswith(RESERVED_PREFIXES):
        prefixes = ", ".join(f"“{p}”" for p in RESERVED_PREFIXES)
        raise ValidationError(f"Usernames starting with {prefixes} are reserved; choose another.")


def new_integration_user(prefix: str, **fields: str) -> User:
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


def integration_prefix(user: User) -> str | None:
    """The reserved prefix of an account made by an integration, None for people's own accounts."""
    return next((p for p in RESERVED_PREFIXES if user.username.startswith(p)), None)


def display_name(user: User) -> str:
    """How pages name a person: their full name; else an own account's username; else, for an
    account an integration made (whose username is random), its e-mail or "LMS learner 1a2b3c4d".
    """
    full = user.get_full_name()
    if full:
        return full
    prefix = integration_prefix(user)
    if prefix is None:
        return user.username
    return user.email or f"{INTEGRATION_LABELS[prefix]} {user.username[len(prefix) :][:8]}"


def display_name_expression() -> Case:
    """`display_name` as a query expression on the user's columns, to sort and search by in the
    database (tests hold the two to agree)."""
    text = CharField()
    full = Trim(Concat("first_name", Value(" "), "last_name", output_field=text))
    return Case(
        When(GreaterThan(Length(full), 0), then=full),
        *(
            When(
                username__startswith=prefix,
                then=Coalesce(
                    NullIf("email", Value("")),
                    Concat(Value(f"{label} "), Substr("username", len(prefix) + 1, 8)),
                    output_field=text,
                ),
            )
            for prefix, label in INTEGRATION_LABELS.items()
        ),
        default=F("username"),
        output_field=text,
    )


def shown_username(user: User) -> str:
    """The username to show beside `display_name`: an own account's, when its full name is shown
    (an integration's random username tells staff nothing)."""
    if integration_prefix(user) is None and user.get_full_name():
        return user.username
    return ""


def service_user(username: str) -> User:
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


def join_open_courses(user: User) -> None:
    """A new account joins every course open to everyone."""
    for course in Course.objects.filter(open_enrolment=True):
        Membership.objects.get_or_create(user=user, course=course)
