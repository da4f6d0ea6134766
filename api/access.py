"""Who an API request acts for and what it may reach: the API's authorisation rules, in one place.

A request is made by a principal: an API key, or a logged-in site user on the endpoints the pages
call (preview, sandpit). Keys come in three kinds (docs/api.md states the policy):

- an operator key (`operator`, made only by `manage.py create_api_key --operator`) acts site-wide
  with every scope: it is the one site-wide credential;
- a course key (`course` set) acts only in its course, and only while its owner is a member of
  it; its `staff` scope is in force only while the owner is staff of that course, checked on
  every request, so losing the role takes the rights away;
- a personal access token (`personal`, made by a learner on their profile page) reads and submits
  as its learner only: their own attempts (the pages' own), their own submissions, at the pages'
  pace, and it makes no keys or webhooks;
- any other key is a user key: it acts for its own user and the learners it names, never as staff.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja.errors import HttpError

from api import learners
from courseware.models import Attempt, Course, Exercise, Membership, Submission
from courseware.variants import attempt_with_seed, current_attempt
from lms.models import ApiKey, ApiLearner
from tangent.prepared import Prepared

Scope = ApiKey.Scope
ALL_SCOPES = frozenset(Scope)
LEARNER_SCOPES = frozenset({Scope.READ, Scope.SUBMIT})


class KeyRefused(Exception):
    """A key that may not be made: the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: `user` (the key's owner, or the logged-in user) and the scopes in
    force now; `course` and `role` (the owner's role there, None if no longer a member) for a
    course key."""

    user: User
    scopes: frozenset[str]
    key: ApiKey | None = None
    course: Course | None = None
    role: str | None = None

    @property
    def operator(self) -> bool:
        return self.key is not None and self.key.operator

    @property
    def staff(self) -> bool:
        return Scope.STAFF in self.scopes

    @property
    def personal(self) -> bool:
        """A learner's personal access token."""
        return self.key is not None and self.key.personal

    @property
    def paced(self) -> bool:
        """Held to the pages' own limits per learner (the site's pages and personal tokens)."""
        return self.key is None or self.key.personal

    def allows(self, scope: str) -> bool:
        return scope in self.scopes

    def refusal(self, scope: str) -> str:
        """Why this principal lacks `scope`, in words."""
        name = repr(str(scope))
        if self.course is not None and self.role is None:
            return (
                f"This key acts in course {self.course.slug!r}, "
                "and its owner is no longer a member of it."
            )
        if self.course is not None and self.key is not None and scope in self.key.scopes:
            return (
                f"This key's {name} scope is not in force: its owner is no longer staff of "
                f"course {self.course.slug!r}."
            )
        return f"This key does not have the {name} scope."


class ApiRequest(HttpRequest):
    """A request as an API route receives it: Ninja sets `auth` to what the route's authenticator
    returned, and every authenticator of this API returns a Principal."""

    auth: Principal


def role_in(user: User, course: Course) -> str | None:
    return (
        Membership.objects.filter(user=user, course=course).values_list("role", flat=True).first()
    )


def key_principal(key: ApiKey) -> Principal:
    """What an authenticated key may do now (a course key's owner's role is read on every use)."""
    granted = frozenset(key.scopes) & ALL_SCOPES
    if key.operator:
        return Principal(key.user, ALL_SCOPES, key)
    if key.personal:
        return Principal(key.user, granted & LEARNER_SCOPES, key)
    if key.course is None:
        return Principal(key.user, granted - {Scope.STAFF}, key)
    role = role_in(key.user, key.course)
    if role is None:
        in_force: frozenset[str] = frozenset()
    elif role == Membership.Role.STAFF and Scope.STAFF in granted:
        in_force = ALL_SCOPES
    else:
        in_force = granted - {Scope.STAFF}
    return Principal(key.user, in_force, key, key.course, role)


def site_principal(user: User) -> Principal:
    """A logged-in site user on the endpoints the pages call: reads and submits as themselves."""
    return Principal(user, LEARNER_SCOPES)


def refuse_personal(request: ApiRequest, what: str) -> None:
    """403 for a personal access token on an endpoint that is not for it (`what` it cannot do)."""
    if request.auth.personal:
        raise HttpError(403, f"A personal access token cannot {what}; use an API key.")


def require_scope(request: ApiRequest, scope: str, detail: str = "") -> Principal:
    """The request's principal if `scope` is in force; 403 (with `detail`, or why) otherwise."""
    principal = request.auth
    if not principal.allows(scope):
        raise HttpError(403, detail or principal.refusal(scope))
    return principal


# --- learners, attempts and submissions ----------------------------------------------------------


def acting_learner(request: ApiRequest, ref: str | None, create: bool = True) -> User:
    """The learner the request acts for: the client's learner `ref`, or the client itself.

    A course key's learners are learners of its course: naming a new one enrols it there (only
    a key whose owner is staff of the course may do that), and one outside the course is unknown.
    """
    principal = request.auth
    if ref is None or ref == "me":
        return principal.user
    if principal.personal:
        raise HttpError(403, "A personal access token acts for its own learner only.")
    if not ref or len(ref) > learners.MAX_REF:
        raise HttpError(422, f"A learner reference is 1 to {learners.MAX_REF} characters.")
    course = principal.course
    if course is not None and create and principal.role != Membership.Role.STAFF:
        raise HttpError(
            403, f"Only a key whose owner is staff of course {course.slug!r} names learners in it."
        )
    learner = learners.learner_for(principal.user, ref, create=create)
    if learner is not None and course is not None:
        if create:
            Membership.objects.get_or_create(user=learner, course=course)
        elif not Membership.objects.filter(user=learner, course=course).exists():
            learner = None
    if learner is None:
        raise HttpError(404, f"No learner {ref!r}.")
    return learner


def attempt_course(request: ApiRequest) -> Course | None:
    """The course the request's attempts are made in: a course key's course, else none."""
    return request.auth.course


def variant_for(
    request: ApiRequest, learner: User, exercise: Exercise, seed: int | None = None
) -> Attempt:
    """The attempt the request works on: the learner's current variant (or, for staff, the
    variant of `seed`). A key's attempts stay in its course (a user key's outside any course);
    a personal token works on its learner's own attempts, the ones their pages show."""
    principal = request.auth
    only = not principal.personal
    if seed is not None:
        return attempt_with_seed(learner, exercise, seed, principal.course, in_course_only=only)
    return current_attempt(learner, exercise, principal.course, in_course_only=only)


def own_attempts(request: ApiRequest) -> QuerySet[Attempt]:
    """Attempts the principal plays as themselves (the Sandpit): its own, in its course if any."""
    principal = request.auth
    attempts = Attempt.objects.filter(learner=principal.user)
    if principal.course is not None:
        attempts = attempts.filter(course=principal.course)
    return attempts


def visible_submissions(request: ApiRequest) -> QuerySet[Submission]:
    """Submissions the key may see, cancel and (with `staff` in force) regrade.

    An operator key: all. A course key with `staff` in force: every submission in its course.
    Any other key: its own user's and its learners' (in its course, for a course key).
    """
    return _visible_to(*_scope(request.auth))


def visible_submission(request: ApiRequest, submission_id: int) -> Submission | None:
    """One of `visible_submissions`, by its id: the API's most frequent read (a client waiting
    for a verdict), so its query is compiled once per process."""
    return _VISIBLE_SUBMISSION.first(submission_id, *_scope(request.auth))


def _scope(principal: Principal) -> tuple[int | None, int | None, bool]:
    """Whose submissions the principal sees: (learner, course, and the learner's own API learners
    too), None for any. Only what the rule reads is given: a prepared query takes each value."""
    if principal.operator:
        return None, None, False
    if principal.personal:
        return principal.user.pk, None, False
    course_id = principal.course.pk if principal.course is not None else None
    if course_id is not None and principal.staff:
        return None, course_id, False
    return principal.user.pk, course_id, True


def _visible_to(
    learner_id: int | None, course_id: int | None, with_api_learners: bool
) -> QuerySet[Submission]:
    submissions = Submission.objects.select_related(
        "grading",
        "attempt__exercise_version__exercise",
        "attempt__learner",
        "attempt__assessment_item__assessment__course",
    )
    if course_id is not None:
        submissions = submissions.filter(attempt__course_id=course_id)
    if learner_id is None:
        return submissions
    if not with_api_learners:
        return submissions.filter(attempt__learner_id=learner_id)
    its_learners = ApiLearner.objects.filter(client_id=learner_id).values("user")
    return submissions.filter(
        Q(attempt__learner_id=learner_id) | Q(attempt__learner__in=its_learners)
    )


# No LIMIT: PostgreSQL plans the joins faster without it (the id picks one row).
_VISIBLE_SUBMISSION = Prepared(
    lambda submission_id, *scope: _visible_to(*scope).filter(pk=submission_id).order_by()
)


# --- API keys ---------------------------------------------------------------------------------------


def visible_keys(request: ApiRequest) -> QuerySet[ApiKey]:
    """Keys the caller may list and revoke: its owner's own (an operator key: every key)."""
    principal = request.auth
    keys = ApiKey.objects.select_related("user", "course")
    return keys if principal.operator else keys.filter(user=principal.user)


def check_grant(
    owner: User, course: Course | None, scopes: Collection[str], operator: bool = False
) -> None:
    """Raise KeyRefused unless `owner` may hold such a key: a course key only in a course the
    owner is a member of, `staff` only in a course the owner is staff of, an operator key with
    no course. Checked whoever makes the key (the API or manage.py)."""
    if operator:
        if course is not None:
            raise KeyRefused("An operator key is site-wide: it has no course.")
        return
    role = role_in(owner, course) if course is not None else None
    if course is not None and role is None:
        raise KeyRefused(not_a_member(owner, course.slug))
    if Scope.STAFF in scopes and role != Membership.Role.STAFF:
        where = f"course {course.slug!r}" if course else "a course"
        raise KeyRefused(
            f"A 'staff' key needs a course whose staff its owner is; {owner} is not staff of "
            f"{where}."
        )


def not_a_member(owner: User, slug: str) -> str:
    return f"{owner} is not a member of course {slug!r}."


def new_key_terms(
    request: ApiRequest, username: str | None, course_slug: str | None, scopes: set[str]
) -> tuple[User, Course | None]:
    """The owner and course of the key the caller asks for, if it may make it; 403/404 if not.

    Only an operator key makes keys for other users. Every other key makes keys for its own
    user only, in its own course if it has one (else in a course its owner is a member of), and
    with no scope that is not in force for itself. No one makes an operator key here.
    """
    principal = request.auth
    owner = principal.user
    if username is not None and username != owner.get_username():
        if not principal.operator:
            raise HttpError(403, "Only an operator key makes keys for other users.")
        other = get_user_model().objects.filter(username=username, is_active=True).first()
        if other is None:
            raise HttpError(404, f"No user {username!r}.")
        owner = other
    course = principal.course
    if course_slug is not None:
        if course is not None and course_slug != course.slug:
            raise HttpError(403, f"This key makes keys for course {course.slug!r} only.")
        course = Course.objects.filter(slug=course_slug).first()
        if course is None:
            raise HttpError(403, not_a_member(owner, course_slug))
    beyond = sorted(set(scopes) - principal.scopes)
    if beyond:
        raise HttpError(
            403, f"A key cannot give a scope it does not have. {principal.refusal(beyond[0])}"
        )
    try:
        check_grant(owner, course, scopes)
    except KeyRefused as refused:
        raise HttpError(403, refused.message) from None
    return owner, course
