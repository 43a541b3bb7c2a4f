"""The package map holds: calls go down only, rooms stay small enough to read.

The import contracts live in pyproject.toml (``[tool.importlinter]``) and are
checked by import-linter over the real import graph, TYPE_CHECKING imports
included. Sizes: no module over 400 lines and no function over 60 in ``index/``
and ``bot/``; tables and data (the glossary, the schema) are the named
exceptions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60
DATA_MODULES = {"index/query/glossary.py"}  # one line per glossary entry


def _sources() -> list[Path]:
    return sorted(p for d in ("index", "bot") for p in (REPO / d).rglob("*.py"))


def test_import_contracts_hold() -> None:
    importlinter = pytest.importorskip("importlinter.cli")
    code = importlinter.lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True)
    assert code == 0, "lint-imports found a broken contract (its report is above)"


@pytest.mark.parametrize("path", _sources(), ids=lambda p: str(p.relative_to(REPO)))
def test_module_is_small_enough_to_read(path: Path) -> None:
    rel = str(path.relative_to(REPO))
    if rel in DATA_MODULES:
        return
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{rel} has {lines} lines"


def test_functions_are_short() -> None:
    long: list[str] = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = (node.end_lineno or node.lineno) - node.lineno + 1
                if n > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name} ({n} lines)")
    assert not long, "functions over 60 lines:\n" + "\n".join(long)
