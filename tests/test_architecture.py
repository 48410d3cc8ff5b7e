"""Imports flow one way: api -> core -> db, with leaf modules shared."""

import ast
from pathlib import Path

HUB = Path(__file__).resolve().parent.parent / "hub"
LEAVES = ("hub/auth/scopes.py", "hub/auth/hashing.py", "hub/names.py")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def files(folder: str) -> list[Path]:
    return sorted((HUB / folder).rglob("*.py"))


def test_core_never_imports_the_api():
    for path in files("core"):
        assert not any(m.startswith("hub.api") for m in imports_of(path)), path


def test_db_never_imports_core_or_api():
    for path in files("db"):
        assert not any(m.startswith(("hub.core", "hub.api")) for m in imports_of(path)), path


def test_leaf_modules_import_nothing_of_the_hub():
    for leaf in LEAVES:
        path = HUB.parent / leaf
        assert not any(m.startswith("hub") for m in imports_of(path)), leaf


def test_core_knows_nothing_of_http():
    for path in files("core"):
        assert not any(m.startswith(("connexion", "starlette", "httpx")) for m in imports_of(path)), path
