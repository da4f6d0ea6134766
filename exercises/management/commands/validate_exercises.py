import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.loader import read_bank
from exercises.validation import bank_problems, chosen, validate_exercise


class Command(BaseCommand):
    help = "Self-test exercises over many seeds: variants draw, texts fill, references and mistakes grade."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="only these exercises")
        parser.add_argument("--seeds", type=int, default=50, help="seeds 0..N-1 (default 50)")
        parser.add_argument(
            "--path", type=Path, default=settings.EXERCISES_DIR, help="the bank's folder"
        )

    def handle(self, *args: Any, slugs: list[str], seeds: int, path: Path, **options: Any) -> None:
        started = time.monotonic()
        bank = read_bank(path)
        problems = bank_problems(bank, slugs)
        exercises = chosen(bank, slugs)
        width = max([len(x.spec["slug"]) for x in exercises] + [8])
        self.stdout.write(f"{'exercise':<{width}}  seeds  result")
        for loaded in exercises:
            found = validate_exercise(loaded, path, seeds)
            problems += found
            result = "ok" if not found else f"{len(found)} failure(s)"
            self.stdout.write(f"{loaded.spec['slug']:<{width}}  {seeds:>5}  {result}")
        for problem in problems:
            self.stderr.write(str(problem))
        elapsed = time.monotonic() - started
        summary = f"{len(exercises)} exercise(s), {seeds} seed(s) each, {elapsed:.1f} s"
        if problems:
            raise CommandError(f"{len(problems)} problem(s); {summary}.")
        self.stdout.write(f"All good: {summary}.")
