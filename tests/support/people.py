"""Users, courses and API keys for tests."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from courseware.models import Course, Membership

PASSWORD = "a-long-test-password-42"


def make_user(username: str = "ada", **extra):
    return get_user_model().objects.create_user(
        username, f"{username}@example.com", PASSWORD, **extra
    )


def make_course(
    slug: str = "calc", title: str = "Calculus for ML", open_enrolment: bool = True
) -> Course:
    return Course.objects.get_or_create(
        slug=slug, defaults={"title": title, "open_enrolment": open_enrolment}
    )[0]


def enrol(user, course: Course, role: str = Membership.Role.LEARNER) -> Membership:
    return Membership.objects.update_or_create(user=user, course=course, defaults={"role": role})[0]


def learner_in(course: Course, username: str = "ada"):
    user = make_user(username)
    enrol(user, course)
    return user


def api_key_for(user, scopes=None, course: Course | None = None) -> str:
    """A user key, or with `course` a course key (its owner must be a member: see `enrol`)."""
    from api.keys import create_key

    return create_key(user, "test", scopes, course).key


def operator_key() -> str:
    """The site-wide operator key, owned by a superuser, as `create_api_key --operator` makes it."""
    from api.keys import create_key

    owner = get_user_model().objects.create_superuser("operator", "ops@example.com", PASSWORD)
    return create_key(owner, "operator", operator=True).key
