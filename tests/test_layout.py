"""The layout the README promises: `retrieval/` never imports Discord, and no package imports in a circle."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at run time or for type checking alone, absolute names."""
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, node.module] if node.module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    modules = {module_name(p): p for package in packages for p in (ROOT / package).rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name} for name, path in modules.items()}


def test_retrieval_never_imports_discord():
    for name, path in ((module_name(p), p) for p in (ROOT / "retrieval").rglob("*.py")):
        assert not any(m == "discord" or m.startswith("discord.") for m in imports_of(path)), name


@pytest.mark.parametrize("packages", [("retrieval",), ("bot", "retrieval")])
def test_no_module_imports_itself_through_others(packages):
    edges = graph(packages)
    # A package's __init__ re-exporting its modules is not a cycle of its modules.
    edges = {name: {m for m in targets if not (name.startswith(m + ".") and m in edges)} for name, targets in edges.items()}
    visiting: list[str] = []
    done: set[str] = set()

    def visit(name: str) -> None:
        if name in done:
            return
        assert name not in visiting, " -> ".join([*visiting[visiting.index(name):], name])
        visiting.append(name)
        for target in sorted(edges[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for module in sorted(edges):
        visit(module)
