"""Apps are layered one way: tradewatch wires; core is plumbing below every domain app, disputes is the base
domain app, tariffs builds on it, timelines on both, exchange and pages sit on top (DESIGN.md section 2)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: Lower first; apps on one level never import each other.
LEVELS = [["core"], ["disputes"], ["tariffs"], ["timelines"], ["exchange", "pages"]]
LAYERS = [app for level in LEVELS for app in level]


def imported_apps(app: str, root: Path = ROOT) -> set[str]:
    found = set()
    for path in (root / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
    return found & {*LAYERS, "tradewatch"}


def not_below(app: str) -> set[str]:
    """The apps ``app`` must not import: those on its own level and above it, and the wiring."""
    level = next(index for index, apps in enumerate(LEVELS) if app in apps)
    return {other for apps in LEVELS[level:] for other in apps if other != app} | {"tradewatch"}


@pytest.mark.parametrize("app", [app for app in LAYERS if (ROOT / app).is_dir()])
def test_an_app_never_imports_one_above_it(app):
    assert imported_apps(app) & not_below(app) == set()


def test_core_imports_no_app_of_ours():
    assert imported_apps("core") - {"core"} == set()


def test_the_check_sees_core_importing_a_domain_app(tmp_path):
    (tmp_path / "core").mkdir()
    (tmp_path / "core" / "helpers.py").write_text("from disputes.models import Case\n", encoding="utf-8")
    assert imported_apps("core", root=tmp_path) & not_below("core") == {"disputes"}
