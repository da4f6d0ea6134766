"""Grade an Open edX XQueue with Tangent: `python manage.py xqueue_worker --url ... --queue ...`."""

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.accounts import service_user
from lms import outbound
from lms.xqueue.client import ConfigurationError, XQueueClient
from lms.xqueue.worker import Worker

# sysexits' EX_CONFIG: a supervisor should not restart a worker that cannot work as configured
EXIT_CONFIG = 78


class Command(BaseCommand):
    help = (
        "Poll an Open edX XQueue and grade its submissions with Tangent. The problem's "
        'grader_payload names the exercise: {"exercise": "<slug>"}. The password is read '
        "from the XQUEUE_PASSWORD environment variable. Faults of the queue are waited out; "
        f"the worker exits (status {EXIT_CONFIG}) only when its configuration is refused."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--url", required=True, help="The XQueue server, e.g. https://xqueue.example.org"
        )
        parser.add_argument("--queue", required=True, help="The queue name set in the problem")
        parser.add_argument("--username", required=True)
        parser.add_argument(
            "--allow-private-host",
            action="append",
            default=[],
            metavar="HOST",
            help="A host name the worker may reach over http or on a private address (the "
            "XQueue's, e.g. xqueue); repeatable. Adds to TANGENT_XQUEUE_ALLOWED_HOSTS.",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=60.0,
            help="Seconds to wait for one reply (default 60). XQueue calls the LMS inside "
            "put_result, up to 5 times × its REQUESTS_TIMEOUT: keep this above that.",
        )
        parser.add_argument(
            "--concurrency",
            type=int,
            default=4,
            help="Submissions held while Celery grades them (default 4).",
        )
        parser.add_argument(
            "--processing-delay",
            type=float,
            default=60.0,
            help="Seconds XQueue hides a handed-out submission before handing it out again: its "
            "SUBMISSION_PROCESSING_DELAY (in minutes there) × 60 (default 60).",
        )
        parser.add_argument(
            "--once", action="store_true", help="Stop when the queue is empty and all is answered"
        )

    def handle(
        self,
        *args: Any,
        url: str,
        queue: str,
        username: str,
        allow_private_host: list[str],
        once: bool,
        **options: Any,
    ) -> None:
        if (
            options["timeout"] <= 0
            or options["concurrency"] < 1
            or options["processing_delay"] <= 0
        ):
            raise CommandError(
                "--timeout and --processing-delay must be positive, --concurrency at least 1.",
                returncode=EXIT_CONFIG,
            )
        allowed = tuple(settings.XQUEUE_ALLOWED_HOSTS) + tuple(allow_private_host)
        password = os.environ.get("XQUEUE_PASSWORD", "")
        try:
            client = XQueueClient(
                url, username, password, timeout=options["timeout"], allowed_hosts=allowed
            )
            owner = service_user(f"xqueue-{queue}"[:150])
        except (outbound.UnsafeUrl, PermissionError) as error:
            raise CommandError(str(error), returncode=EXIT_CONFIG) from error
        worker = Worker(
            client,
            queue,
            owner,
            capacity=options["concurrency"],
            hold_seconds=options["processing_delay"],
        )
        try:
            answered = worker.run(once=once)
        except ConfigurationError as error:
            raise CommandError(
                f"XQueue refused the worker's configuration: {error}", returncode=EXIT_CONFIG
            ) from error
        self.stdout.write(f"Answered {answered} submission(s) from {queue}.")
