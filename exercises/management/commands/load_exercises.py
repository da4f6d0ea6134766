from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.sync import BankInvalid, load_bank


class Command(BaseCommand):
    help = (
        "Load the exercise bank into the database (idempotent; a changed file makes a new version)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--path", type=Path, default=settings.EXERCISES_DIR, help="the bank's folder"
        )

    def handle(self, *args: Any, path: Path, **options: Any) -> None:
        try:
            report = load_bank(path)
        except BankInvalid as invalid:
            for error in invalid.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(invalid.errors)} problem(s); nothing was loaded.") from None
        self.stdout.write(
            f"{report.modules} modules, {report.quizzes} quizzes, {report.exercises} exercises; "
            f"{len(report.new_versions)} new version(s), {len(report.retired)} retired."
        )
        for line in report.new_versions:
            self.stdout.write(f"  new: {line}")
        for slug in report.retired:
            self.stdout.write(f"  retired: {slug}")
