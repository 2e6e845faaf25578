"""The layers (docs/architecture.md, "Layers"): core imports no app, and no two apps import each
other, directly or round a longer cycle. Read from the source with ``ast``, imports inside
functions included; tests and migrations are left out."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "dangjian"  # the composition root: it may import every app, and no app may import it
# Every app of the project: each folder with an apps.py (a new app is checked without being listed).
APPS = tuple(sorted(path.parent.name for path in ROOT.glob("*/apps.py") if path.parent.name != PROJECT))


def modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name.startswith("test"):
            continue
        yield path


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports, relative imports resolved."""
    package = path.relative_to(ROOT).parts[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            found.add(package if node.level else (node.module or "").split(".")[0])
    return found


def graph() -> dict[str, dict[str, list[str]]]:
    """package → imported package → the modules that import it."""
    edges: dict[str, dict[str, list[str]]] = {package: {} for package in (*APPS, PROJECT)}
    for package in edges:
        for path in modules(package):
            for target in imported(path) & set(edges) - {package}:
                edges[package].setdefault(target, []).append(str(path.relative_to(ROOT)))
    return edges


def find_cycle(edges) -> list[str] | None:
    """One cycle of the graph as a path (``a → b → a``), or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                return [*stack[stack.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def test_core_imports_no_app():
    edges = graph()
    assert not edges["core"], "core imports " + "; ".join(
        f"{target} ({', '.join(sorted(set(where)))})" for target, where in sorted(edges["core"].items()))


def test_no_app_imports_the_project_package():
    edges = graph()
    offenders = {package: where[PROJECT] for package, targets in edges.items() for where in [targets]
                 if PROJECT in where}
    assert not offenders, f"{PROJECT} is the composition root; imported by {offenders}"


def test_no_two_apps_form_a_cycle():
    edges = graph()
    cycle = find_cycle(edges)
    if cycle:
        where = [f"{a} → {b}: {', '.join(sorted(set(edges[a][b])))}" for a, b in zip(cycle, cycle[1:], strict=False)]
        raise AssertionError("import cycle " + " → ".join(cycle) + "\n" + "\n".join(where))


def test_every_installed_app_of_the_project_is_checked():
    from django.conf import settings

    ours = {name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").exists()} - {PROJECT}
    assert ours <= set(APPS) and {"dues", "learning", "insights"} <= set(APPS)


def test_the_cycle_finder_reports_the_path():
    assert find_cycle({"a": {"b": []}, "b": {"c": []}, "c": {"a": []}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b": []}, "b": {}}) is None
