"""The advisory static check: where learner code names a forbidden function (e.g. numpy.polyfit)."""

from __future__ import annotations

import ast


def find_forbidden(tree: ast.AST, forbidden: list[str]) -> list[dict[str, object]]:
    """Uses of forbidden dotted names, following `import x as y` and `from x import y as z`."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0]
                )
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    found = []
    for node in ast.walk(tree):
        name = _dotted(node, aliases)
        if name and any(name == bad or name.startswith(bad + ".") for bad in forbidden):
            line, column = getattr(node, "lineno", 0), getattr(node, "col_offset", 0)
            found.append({"name": name, "line": line, "column": column + 1})
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                if full in forbidden:
                    found.append({"name": full, "line": node.lineno, "column": node.col_offset + 1})
    return found[:20]


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str | None:
    """`np.linalg.lstsq` → "numpy.linalg.lstsq" for Name/Attribute chains, else None."""
    if not isinstance(node, ast.Attribute):
        return aliases.get(node.id) if isinstance(node, ast.Name) and node.id in aliases else None
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    head = aliases.get(node.id, node.id)
    return ".".join([head, *reversed(parts)])
