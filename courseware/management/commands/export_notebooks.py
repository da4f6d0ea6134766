"""Write a module's code exercises as Jupyter notebooks, for instructors to hand out."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from courseware.grading.definitions import definition_for
from courseware.models import Exercise, Module
from courseware.variants import params_for
from grader.notebooks.build import build, code_parts, dumps


class Command(BaseCommand):
    help = (
        "Write MODULE's code exercises as notebooks (one .ipynb each): the prompt, the data and "
        "the visible tests of one variant, drawn from the same tests.py files the grader uses."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "module", help="the module's slug, e.g. m3-chain-rule-and-neural-networks"
        )
        parser.add_argument("--out", default=".", help="the folder to write to (default: here)")
        parser.add_argument("--seed", type=int, default=1, help="the variant's seed (default 1)")
        parser.add_argument("--site", default="", help="Tangent's URL, for the submit instructions")

    def handle(
        self, *args: Any, module: str, out: str, seed: int, site: str, **options: Any
    ) -> None:
        found = Module.objects.filter(slug=module).first()
        if found is None:
            known = ", ".join(Module.objects.values_list("slug", flat=True))
            raise CommandError(f"No module {module!r}; the bank has: {known}.")
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        written = 0
        exercises = Exercise.objects.filter(module=found, retired=False).select_related(
            "current_version"
        )
        for exercise in exercises:
            version = exercise.version
            definition = definition_for(version)
            if not code_parts(definition):
                continue
            notebook = build(
                definition,
                params_for(version, seed),
                seed,
                version=version.content_hash,
                site=site.rstrip("/"),
            )
            path = folder / f"{exercise.slug}.ipynb"
            path.write_text(dumps(notebook))
            self.stdout.write(f"wrote {path}")
            written += 1
        self.stdout.write(
            f"{written} notebook{'s' if written != 1 else ''} for {module} in {folder}"
        )
