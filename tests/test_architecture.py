"""The shape the code keeps: data flows surveys <- responses <- reporting, with no back doors and no cycles."""
import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ["surveys", "responses", "reporting"]  # an app may import only the apps to its left


def _modules(app: str) -> dict[str, Path]:
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(module: str, path: Path) -> set[str]:
    """Every module this one imports, anywhere in the file (inside functions too), resolved to dotted names."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names |= {f"{base}.{alias.name}" for alias in node.names}
    return names


@pytest.mark.parametrize("app", APPS)
def test_an_app_imports_no_app_to_its_right(app):
    later = APPS[APPS.index(app) + 1:]
    offending = sorted(
        f"{module} imports {name}"
        for module, path in _modules(app).items()
        for name in _imports(module, path)
        if name.split(".")[0] in later
    )
    assert offending == []


@pytest.mark.parametrize("app", APPS)
def test_no_import_cycle_inside_an_app(app):
    modules = _modules(app)
    graph = {m: {n for n in _imports(m, p) if n in modules and n != m} for m, p in modules.items()}
    # A package's __init__ importing its own submodules is how packages work, not a cycle of two ideas.
    for module in graph:
        graph[module] = {n for n in graph[module] if not module.startswith(n + ".")}
    cycles, state = [], {}

    def visit(node, trail):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join([*trail[trail.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = "done"

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def _reporting_tag_libraries() -> set[str]:
    return {p.stem for p in (ROOT / "reporting" / "templatetags").glob("*.py") if p.stem != "__init__"}


# Templates rendered by surveys and responses views, and the shared ones every page extends.
EARLIER_TEMPLATES = ["surveys", "posters", "audit", "responses", "review", "registration", "errors", "includes"]


def test_no_template_of_surveys_or_responses_loads_a_reporting_tag_library():
    libraries = _reporting_tag_libraries()
    assert libraries  # the check has something to look for
    paths = [ROOT / "templates" / "base.html", ROOT / "templates" / "landing.html"]
    for folder in EARLIER_TEMPLATES:
        paths += sorted((ROOT / "templates" / folder).rglob("*.html"))
    offending = []
    for path in paths:
        for load in re.findall(r"{%\s*load\s+([^%]+)%}", path.read_text()):
            used = set(load.split()) & libraries
            if used:
                offending.append(f"{path.relative_to(ROOT)} loads {sorted(used)}")
    assert offending == []
