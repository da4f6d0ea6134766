"""Learners that API clients name by their own references."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from lms.lti_accounts import external_user, external_username
from lms.models import ApiLearner

MAX_REF = 200


def learner_for(client, ref: str, create: bool = True):
    """The user behind `ref` for this client (created on first use), or None if unknown."""
    record = ApiLearner.objects.select_related("user").filter(client=client, ref=ref).first()
    if record is not None or not create:
        return record.user if record else None
    user = external_user(external_username("api", str(client.pk), "", ref))
    try:
        with transaction.atomic():
            ApiLearner.objects.create(client=client, ref=ref, user=user)
    except IntegrityError:
        pass
    return ApiLearner.objects.get(client=client, ref=ref).user


def ref_of(user, client) -> str | None:
    """The reference `client` knows `user` by, if `user` is one of its learners."""
    record = ApiLearner.objects.filter(user=user, client=client).first()
    return record.ref if record else None
