from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from lms.keys import create_key
from lms.models import ApiKey


class Command(BaseCommand):
    help = "Create an API key for a user; the key is printed once, as the last line."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username")
        parser.add_argument("--name", default="", help="a label for the key")
        parser.add_argument(
            "--scope",
            action="append",
            choices=[s.value for s in ApiKey.Scope],
            dest="scopes",
            help="read, submit or staff (repeatable; default read and submit)",
        )

    def handle(self, *args, user, name, scopes, **options):
        try:
            owner = get_user_model().objects.get(username=user)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user named {user!r}.") from None
        record, key = create_key(owner, name, scopes)
        self.stdout.write(
            f"Created key {record.prefix} for {owner.username} with scopes {', '.join(record.scopes)}."
        )
        self.stdout.write(key)
