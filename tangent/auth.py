"""Signing in with a username and password: Django's model backend, reading the signed-in user's
row (which every request does) with a query compiled once (tangent.prepared).

Django's own backend stays listed after it (settings.AUTHENTICATION_BACKENDS) for the sessions
signed in through it, which name it; it never checks a password: a failed check here ends the
search, so a wrong password is hashed once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from tangent.prepared import Prepared

BACKEND = "tangent.auth.ModelBackend"

_USER = Prepared(lambda pk: User._default_manager.filter(pk=pk)[:1])


class ModelBackend(backends.ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            raise PermissionDenied  # no other backend checks it again
        return user

    def get_user(self, user_id: int) -> User | None:
        user = _USER.first(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
