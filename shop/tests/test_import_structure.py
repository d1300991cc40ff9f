"""The import structure of the production code: no cycles, imports at the top.

import-linter (in `make lint`) keeps the layers; these tests keep what it
cannot see: a module-level import cycle, and an import hidden in a function
body. The only imports allowed in a body are Celery's idiom (a task imports
its service, which queues the task) and `AppConfig.ready`, where the higher
app wires its hooks into the lower ones.
"""

import ast
from pathlib import Path

from django.conf import settings

APPS = ("shop", "accounts", "catalog", "orders")
ROOT = Path(settings.BASE_DIR)


def _production_modules() -> dict[str, ast.Module]:
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT)
            if "tests" in relative.parts or "migrations" in relative.parts:
                continue
            parts = list(relative.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules[".".join(parts)] = ast.parse(path.read_text())
    return modules


MODULES = _production_modules()


def _target(name: str) -> str | None:
    """Return the production module an import names, or None for another."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imported(node, importer: str) -> list[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    else:
        return []
    targets = {_target(name) for name in names if name.split(".")[0] in APPS}
    return sorted(t for t in targets if t and t != importer)


def _module_level_graph() -> dict[str, set[str]]:
    graph = {}
    for name, tree in MODULES.items():
        graph[name] = {target for node in tree.body for target in _imported(node, name)}
        # Importing a module imports its package first.
        package = name.rpartition(".")[0]
        if package in MODULES:
            graph[name].add(package)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_level_import_cycle():
    assert _cycles(_module_level_graph()) == []


def _body_imports() -> list[tuple[str, str, str]]:
    found = []
    for name, tree in MODULES.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for inner in ast.walk(node):
                for target in _imported(inner, name):
                    found.append((name, node.name, target))
    return found


def _allowed(importer: str, function: str) -> bool:
    tasks_module = importer.rsplit(".", 1)[-1] == "tasks"
    return tasks_module or (importer.endswith(".apps") and function == "ready")


def test_imports_in_a_function_body_are_only_the_celery_idiom_and_ready():
    hidden = [found for found in _body_imports() if not _allowed(*found[:2])]

    assert hidden == []


def test_the_structure_tests_see_the_shop():
    # The scan must not pass by finding nothing.
    assert {"orders.services.stock", "orders.locks", "shop.access"} <= set(MODULES)
    assert (
        "orders.invoicing.tasks",
        "invoice_generate",
        "orders.invoicing.services",
    ) in (_body_imports())
