"""Another host's copy of the application: its code, without a single exercise file."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
# Every package of the application (the tests stay behind: a host runs none of them).
PACKAGES = tuple(
    path.name
    for path in sorted(ROOT.iterdir())
    if (path / "__init__.py").exists() and path.name != "tests"
)


def checkout_without_bank(target: Path) -> Path:
    """The application's code as another host has it, with no exercise files at all."""

    def not_code(folder: str, names: list[str]) -> list[str]:
        bank = Path(folder) == ROOT / "exercises"
        return [
            name
            for name in names
            if name == "__pycache__"
            or (
                bank
                and (
                    (Path(folder) / name / "_module.yaml").exists()
                    or name in ("README.md", "topics.yaml")
                )
            )
        ]

    for name in PACKAGES:
        shutil.copytree(ROOT / name, target / name, ignore=not_code)
    shutil.copy(ROOT / "manage.py", target)
    if (ROOT / ".env").exists():  # the host's configuration (a development SECRET_KEY)
        shutil.copy(ROOT / ".env", target)
    assert not [*target.rglob("*.yaml"), *target.rglob("tests.py")]
    return target
