from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from api.access import KeyRefused, check_grant
from api.keys import create_key
from courseware.models import Course
from lms.models import ApiKey


class Command(BaseCommand):
    help = (
        "Create an API key for a user: a user key, a course key (--course) or the site-wide "
        "operator key (--operator). The callback secret and then the key are printed once; the "
        "key is the last line."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", default="", help="a label for the key")
        parser.add_argument("--course", help="the slug of the course the key acts in")
        parser.add_argument(
            "--scope",
            action="append",
            choices=[s.value for s in ApiKey.Scope],
            dest="scopes",
            help="read, submit or staff (repeatable; default read and submit; staff only with "
            "--course, for a user who is staff of it)",
        )
        parser.add_argument(
            "--operator",
            action="store_true",
            help="a site-wide key with every scope, for the site's operators",
        )

    def handle(
        self,
        *args: Any,
        user: str,
        name: str,
        course: str | None,
        scopes: list[str] | None,
        operator: bool,
        **options: Any,
    ) -> None:
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {user!r}.") from None
        if operator and scopes:
            raise CommandError("An operator key has every scope: leave out --scope.")
        where = None
        if course:
            where = Course.objects.filter(slug=course).first()
            if where is None:
                raise CommandError(f"No course {course!r}.")
        try:
            check_grant(owner, where, scopes or [], operator=operator)
        except KeyRefused as refused:
            raise CommandError(refused.message) from None
        made = create_key(owner, name, scopes, where, operator=operator)
        record = made.record
        kind = "operator key" if operator else f"key for course {course}" if course else "key"
        self.stdout.write(
            f"Created {kind} {record.prefix} for {owner.username} with scopes "
            f"{', '.join(record.scopes)}."
        )
        self.stdout.write(f"Callback secret: {made.callback_secret}")
        self.stdout.write(made.key)
