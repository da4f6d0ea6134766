"""Learners that API clients name by their own references."""

from __future__ import annotations

from typing import Literal, overload

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction

from courseware.accounts import new_integration_user
from lms.models import ApiLearner

MAX_REF = 200


@overload
def learner_for(client: User, ref: str, create: Literal[True] = True) -> User: ...
@overload
def learner_for(client: User, ref: str, create: bool) -> User | None: ...
def learner_for(client: User, ref: str, create: bool = True) -> User | None:
    """The user behind `ref` for this client (created on first use), or None if unknown.

    Found through the ApiLearner link only, never by a username derived from the reference.
    """
    record = ApiLearner.objects.select_related("user").filter(client=client, ref=ref).first()
    if record is not None or not create:
        return record.user if record else None
    try:
        with transaction.atomic():  # the new user is rolled back if another request won the race
            user = new_integration_user("api-")
            ApiLearner.objects.create(client=client, ref=ref, user=user)
    except IntegrityError:
        return ApiLearner.objects.get(client=client, ref=ref).user
    return user


def refs_of(user_ids: set[int], client: User) -> dict[int, str]:
    """The references `client` knows these users by (one query for a page of them)."""
    return dict(
        ApiLearner.objects.filter(client=client, user_id__in=user_ids).values_list("user_id", "ref")
    )


def ref_of(user: User, client: User) -> str | None:
    """The reference `client` knows `user` by, if `user` is one of its learners (a client is
    never its own: each learner it names is a user made for that name)."""
    if user.pk == client.pk:
        return None
    record = ApiLearner.objects.filter(user=user, client=client).first()
    return record.ref if record else None
