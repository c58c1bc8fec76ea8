"""The layout of docs/architecture.md holds: imports run one way, no cycles, engines fenced."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import REPO

# Each family (a subpackage, or a flat module of dispatch/) and the families it may import.
# docs/architecture.md draws the same table; a new import across families starts there.
BASE = {"model", "messages", "errors", "version"}
ALLOWED: dict[str, set[str]] = {
    "model": set(),
    "messages": set(),
    "errors": {"messages"},
    "version": set(),
    "rules": {"model"},
    "travel": BASE,
    "scenario": BASE | {"travel"},
    "routing": set(),
    "verify": BASE | {"rules", "travel"},
    "planning": BASE | {"rules", "travel", "routing", "verify", "scenario"},
    "report": BASE | {"rules", "travel", "scenario"},
    "service": BASE | {"rules", "travel", "scenario", "planning", "report", "verify"},
    "api": BASE | {"rules", "travel", "scenario", "planning", "report", "verify", "service"},
    "cli": BASE | {"travel", "scenario", "planning", "report", "verify", "service", "api"},
}
# Third-party engines and frameworks each stay behind one door.
FENCED = {
    "ortools": {"dispatch.routing.ortools_engine"},
    "pyvrp": {"dispatch.routing.pyvrp_engine"},
    "osmium": {"dispatch.travel.roads.osm"},
}
# Flask: the app factory and the service's HTTP layer (helpers and blueprints).
HTTP_MODULES = ("api", "dispatch.service.http", "dispatch.service.views")


def modules() -> dict[str, Path]:
    found = {"api": REPO / "api.py"}
    for path in sorted((REPO / "dispatch").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        parts = path.relative_to(REPO).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path) -> list[str]:
    """Every module this file imports at run time (type-checking-only imports excluded)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(inner)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for inner in ast.walk(node)
    }
    out: list[str] = []
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out += [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        elif isinstance(node, ast.Import):
            out += [a.name for a in node.names]
    return out


def family(module: str) -> str:
    if module == "api":
        return "api"
    return module.split(".")[1] if "." in module else "dispatch"


MODULES = modules()


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_imports_only_the_families_below_it(module):
    mine = family(module)
    if mine == "dispatch":
        return  # the package facade re-exports the public API
    for target in imports(MODULES[module]):
        if target == "api" or target.startswith("dispatch."):
            theirs = family(target)
            assert theirs == mine or theirs in ALLOWED[mine], f"{module} imports {target}"


def users_of(library: str) -> set[str]:
    return {m for m, p in MODULES.items() if any(t.split(".")[0] == library for t in imports(p))}


@pytest.mark.parametrize("library", sorted(FENCED))
def test_each_engine_is_imported_in_one_place(library):
    assert users_of(library) == FENCED[library]


@pytest.mark.parametrize("library", ["flask", "werkzeug"])
def test_flask_stays_in_the_http_layer(library):
    assert all(m.startswith(HTTP_MODULES) for m in users_of(library))


def test_no_module_imports_itself_back_through_others():
    graph = {
        m: {t for t in imports(p) if t in MODULES and t != m and family(m) != "dispatch"}
        for m, p in MODULES.items()
    }
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, " -> ".join((*path, node))
        if node in done:
            return
        for target in graph.get(node, ()):
            if target != "dispatch":
                visit(target, (*path, node))
        done.add(node)

    for module in graph:
        visit(module, ())


def test_no_module_is_over_400_lines():
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text().splitlines())) > 400}
    assert long == {}
