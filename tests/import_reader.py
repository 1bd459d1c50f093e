"""Reads a module file's imports with `ast` (no import runs): the independence tests' shared reader."""

from __future__ import annotations

import ast
from pathlib import Path


def imported(path: Path, package: str) -> set[str]:
    """Every module a file of `package` imports, anywhere in it (relative imports made absolute);
    names taken from `package` itself count as its modules."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([package, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names if base == package)
    return names
