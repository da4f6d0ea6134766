"""The grading engine is plain Python: nothing under grader/ imports Django or Celery."""

import ast
from pathlib import Path

GRADER = Path(__file__).resolve().parents[2] / "grader"
WEB_FRAMEWORKS = ("django", "celery", "ninja", "lti_tool")


def imported_modules(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_no_grader_module_imports_a_web_framework():
    offenders = {
        f"{path.relative_to(GRADER.parent)}: {module}"
        for path in GRADER.rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in WEB_FRAMEWORKS
    }
    assert not offenders
