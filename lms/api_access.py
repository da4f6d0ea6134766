"""Who an API request acts for: the key's scopes, its learners, the submissions it may see."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError

from courseware.models import Submission
from lms import learners
from lms.models import ApiKey


def require_scope(request: HttpRequest, scope: str) -> ApiKey:
    """The request's key if it has `scope`; 403 otherwise. A logged-in site user stands for all."""
    key = request.auth
    if not isinstance(key, ApiKey):
        return key
    if not key.allows(scope):
        raise HttpError(403, f"This key does not have the {scope!r} scope.")
    return key


def client_of(request: HttpRequest):
    """The user that owns the request's key (the API client)."""
    key = request.auth
    return key.user if isinstance(key, ApiKey) else key


def acting_learner(request: HttpRequest, ref: str | None, create: bool = True):
    """The learner the request acts for: the client's learner `ref`, or the client itself."""
    client = client_of(request)
    if ref is None or ref == "me":
        return client
    if not ref or len(ref) > learners.MAX_REF:
        raise HttpError(422, f"A learner reference is 1 to {learners.MAX_REF} characters.")
    learner = learners.learner_for(client, ref, create=create)
    if learner is None:
        raise HttpError(404, f"No learner {ref!r}.")
    return learner


def visible_submissions(request: HttpRequest) -> QuerySet[Submission]:
    """Submissions the key may see: its own and its learners'; a staff key sees all."""
    key = request.auth
    submissions = Submission.objects.select_related(
        "grading", "attempt__exercise_version__exercise", "attempt__learner"
    )
    if isinstance(key, ApiKey) and ApiKey.Scope.STAFF in key.scopes:
        return submissions
    client = client_of(request)
    return submissions.filter(
        Q(attempt__learner=client) | Q(attempt__learner__api_learner__client=client)
    )
