"""Apps are layered one way: tradewatch wires; disputes is the base, tariffs builds on it, timelines on both."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["disputes", "tariffs", "timelines", "pages"]  # lower first


def imported_apps(app: str) -> set[str]:
    found = set()
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & {*LAYERS, "tradewatch"}


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_never_imports_one_above_it(app):
    above = set(LAYERS[LAYERS.index(app) + 1 :]) | {"tradewatch"}
    assert imported_apps(app) & above == set()
