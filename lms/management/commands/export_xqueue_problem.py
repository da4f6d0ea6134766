"""Write an Open edX problem (capa XML) graded by Tangent through XQueue, with its variants."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.models import Exercise
from lms.xqueue.problems import ProblemRefused, problem_xml


class Command(BaseCommand):
    help = (
        "Write the capa problem XML for a Tangent exercise graded through an XQueue: a table of "
        "N pre-rendered variants from which Open edX shows row seed %% N, an answer box, and the "
        "grader payload that tells Tangent to grade against the same row. Paste it into the "
        "problem's Advanced Editor and set the problem's Randomization (e.g. Per Student)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The exercise, e.g. m1-chain-rule")
        parser.add_argument(
            "--variants",
            type=int,
            default=20,
            help="Rows in the table (default 20, the number of seeds Open edX's Per Student "
            "randomization gives); an exercise without parameters gets one.",
        )
        parser.add_argument(
            "--queue", default="tangent-calc", help="The queue name the worker polls"
        )
        parser.add_argument("--output", help="A file to write (default: standard output)")

    def handle(
        self, *args: Any, slug: str, variants: int, queue: str, output: str | None, **options: Any
    ) -> None:
        exercise = (
            Exercise.objects.select_related("current_version")
            .filter(slug=slug, retired=False)
            .first()
        )
        if exercise is None:
            raise CommandError(f"There is no exercise {slug!r}.")
        try:
            xml = problem_xml(exercise, queue, variants)
        except ProblemRefused as error:
            raise CommandError(str(error)) from error
        if output:
            Path(output).write_text(xml, encoding="utf-8")
            self.stderr.write(f"Wrote {output}.")
        else:
            self.stdout.write(xml, ending="")
