import sys
from typing import Any

from django.core.management.base import BaseCommand

from grader.batch import grade_lines


class Command(BaseCommand):
    help = (
        'Grade expression pairs from JSON lines on stdin ({"id", "answer", "expected", "variables"}); '
        'one JSON line per input on stdout ({"id", "equivalent", "error", "seconds"}), in order.'
    )

    def handle(self, *args: Any, **options: Any) -> None:
        grade_lines(sys.stdin, sys.stdout)
