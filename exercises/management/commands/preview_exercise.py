from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from exercises.loader import build_definition, read_bank
from exercises.validation import build_variant, read_solutions
from grader.params import draw_params
from grader.placeholders import fill


class Command(BaseCommand):
    help = (
        "Print one variant of an exercise: its prompt, reference answer and anticipated mistakes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", metavar="SLUG")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--path", type=Path, default=settings.EXERCISES_DIR, help="the bank's folder"
        )

    def handle(self, *args: Any, slug: str, seed: int, path: Path, **options: Any) -> None:
        bank = read_bank(path)
        found = [x for x in bank.exercises if x.spec["slug"] == slug]
        if not found:
            raise CommandError(f"No exercise {slug!r} in {path}.")
        loaded = found[0]
        definition = build_definition(loaded.spec, loaded.files, loaded.module)
        params = draw_params(definition.params, seed, definition.redraw_if)
        variant = build_variant(definition, params, read_solutions(path.parent / loaded.path))
        self.stdout.write(f"{definition.title} ({slug}, seed {seed})")
        self.stdout.write(f"params: {params}\n")
        self.stdout.write(fill(definition.prompt, params).rstrip() + "\n")
        for part in definition.parts:
            label = fill(str(part.config.get("label", "")), params)
            self.stdout.write(f"[{part.name}] {part.kind}" + (f": {label}" if label else ""))
            self.stdout.write(f"  answer: {_shown(variant.references[part.name])}")
            for name, payload in variant.mistakes[part.name]:
                self.stdout.write(f"  mistake {name}: {_shown(payload)}")


def _shown(payload: dict[str, Any]) -> str:
    if "code" in payload:
        return f"a program of {len(payload['code'].splitlines())} lines"
    return str(next(iter(payload.values())))
