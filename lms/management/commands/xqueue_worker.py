"""Grade an Open edX XQueue with Tangent: `python manage.py xqueue_worker --url ... --queue ...`."""

import os

from django.core.management.base import BaseCommand, CommandError

from courseware.accounts import service_user
from lms import outbound, xqueue


class Command(BaseCommand):
    help = (
        "Poll an Open edX XQueue and grade its submissions with Tangent. The problem's "
        'grader_payload names the exercise: {"exercise": "<slug>"}. The password is read '
        "from the XQUEUE_PASSWORD environment variable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", required=True, help="The XQueue server, e.g. https://xqueue.example.org"
        )
        parser.add_argument("--queue", required=True, help="The queue name set in the problem")
        parser.add_argument("--username", required=True)
        parser.add_argument("--once", action="store_true", help="Stop when the queue is empty")

    def handle(self, *args, url, queue, username, once, **options):
        password = os.environ.get("XQUEUE_PASSWORD", "")
        try:
            client = xqueue.XQueueClient(url, username, password)
        except outbound.UnsafeUrl as error:
            raise CommandError(str(error)) from error
        try:
            owner = service_user(f"xqueue-{queue}"[:150])
        except PermissionError as error:
            raise CommandError(str(error)) from error
        try:
            handled = xqueue.work(client, queue, owner, once=once)
        except xqueue.XQueueError as error:
            raise CommandError(f"The queue server refused: {error}") from error
        self.stdout.write(f"Graded {handled} submission(s) from {queue}.")
