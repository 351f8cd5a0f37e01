"""No module of ours imports itself back through others: every import, at the top of a module or inside a
function, is an edge of one graph, and that graph has no cycle (a cycle works only by import order and luck).

tests/test_architecture.py checks the same one-way rule between apps; this checks it between modules.
"""

import ast
from pathlib import Path

from tests.test_architecture import LAYERS

ROOT = Path(__file__).resolve().parent.parent
APPS = (*LAYERS, "tradewatch")


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(node, package: str, modules: dict) -> list[str]:
    """The names an import statement in ``package`` imports: modules where they are, else their package."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level:  # relative: "from . import x", "from ..models import y"
        parts = package.split(".")
        base = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
    else:
        base = node.module
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


def import_graph(root: Path = ROOT, apps=APPS) -> dict[str, set[str]]:
    """Each module of ``apps`` (migrations aside) and the modules of ``apps`` it imports, anywhere in it."""
    modules = {
        module_name(path, root): path
        for app in apps
        for path in (root / app).rglob("*.py")
        if "migrations" not in path.relative_to(root).parts
    }
    graph = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Import | ast.ImportFrom):
                continue
            for target in _imported(node, package, modules):
                while target and target not in modules:  # "disputes.models.Event" is disputes.models
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The cycles a depth-first walk meets, each as the path back to its start."""
    found, state, path = [], {}, []

    def visit(name):
        state[name] = "on the path"
        path.append(name)
        for step in sorted(graph[name]):
            if state.get(step) == "on the path":
                found.append([*path[path.index(step) :], step])
            elif step not in state:
                visit(step)
        state[name] = "done"
        path.pop()

    for name in sorted(graph):
        if name not in state:
            visit(name)
    return found


def test_no_module_of_ours_imports_itself_back():
    assert cycles(import_graph()) == []


def test_the_graph_sees_the_imports_between_our_modules():
    graph = import_graph()
    assert "timelines.queueing" in graph["timelines.tasks"]  # "from .queueing import request_refresh"
    assert "disputes.models" in graph["pages.selectors"]
    assert "timelines.signals" in graph["timelines.apps"]  # imported inside ready()


def test_the_check_finds_a_cycle_made_by_an_import_inside_a_function(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "orders.py").write_text("from .billing import invoice\n", encoding="utf-8")
    (package / "billing.py").write_text("def invoice():\n    from shop import orders\n", encoding="utf-8")
    (package / "stock.py").write_text("import shop.orders\n", encoding="utf-8")
    graph = import_graph(tmp_path, apps=("shop",))
    assert graph["shop.stock"] == {"shop.orders"}
    assert cycles(graph) == [["shop.billing", "shop.orders", "shop.billing"]]


def test_the_check_finds_no_cycle_where_imports_go_one_way(tmp_path):
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "orders.py").write_text("from . import billing\n", encoding="utf-8")
    (package / "billing.py").write_text("import json\n", encoding="utf-8")
    assert cycles(import_graph(tmp_path, apps=("shop",))) == []
