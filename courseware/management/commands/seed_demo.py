from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from courseware.models import Course, Membership
from tangent.environment import demo_logins, env

DEMO_COURSE = ("mml-calculus", "Mathematics for Machine Learning: Multivariate Calculus")


class Command(BaseCommand):
    help = (
        "Development only: a demo course with a demo learner and a demo instructor, made once "
        "(their password is DEMO_PASSWORD in the development .env); prints their log-ins."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEVELOPMENT:
            raise CommandError(
                "Demo users exist only in development mode (TANGENT_MODE=development)."
            )
        password = env("DEMO_PASSWORD")
        if not password:
            raise CommandError(
                "DEMO_PASSWORD is not set; run `make install` to write a development .env."
            )
        course, _ = Course.objects.update_or_create(
            slug=DEMO_COURSE[0], defaults={"title": DEMO_COURSE[1], "open_enrolment": True}
        )
        User = get_user_model()
        for username, role in (
            ("learner", Membership.Role.LEARNER),
            ("instructor", Membership.Role.STAFF),
        ):
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.com"}
            )
            if created or not user.check_password(password):
                user.set_password(password)  # a new hash only when the password changed: no log-out
                user.save(update_fields=["password"])
            Membership.objects.update_or_create(user=user, course=course, defaults={"role": role})
        self.stdout.write(demo_logins())
