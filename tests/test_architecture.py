"""The layering DESIGN.md §2 promises: ``tools/`` is a library, and no package imports itself in a circle.

Imports are read from the source (module level and inside functions alike; only ``if TYPE_CHECKING:``
blocks are skipped, as they never run), so a lazy import cannot hide a cycle or a forbidden dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN_IN_TOOLS = ("agent", "langchain", "langchain_core", "langchain_openai", "langgraph", "typer", "rich",
                      "click", "openai")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str] | None = None) -> set[str]:
    """Every module ``path`` imports at run time (TYPE_CHECKING blocks excluded). ``from pkg import sub`` counts
    as importing the submodule only: a package's ``__init__`` running first is not a dependency on it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(child) for child in ast.walk(node)}
    found: set[str] = set()
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
            submodules = {f"{base}.{alias.name}" for alias in node.names}
            if modules is not None and submodules <= modules:
                found |= submodules
            else:
                found.add(base)
    return found


def _project_modules() -> dict[str, Path]:
    return {_module_name(path): path for package in ("agent", "tools") for path in (ROOT / package).rglob("*.py")}


def test_tools_never_imports_the_agent_llm_vendors_or_the_cli_libraries() -> None:
    offenders = []
    for path in (ROOT / "tools").rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in FORBIDDEN_IN_TOOLS:
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_there_are_no_import_cycles_between_modules() -> None:
    modules = _project_modules()
    graph = {name: {target for target in _imports(path, set(modules)) if target in modules and target != name}
             for name, path in modules.items()}
    cycles = []
    state: dict[str, str] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                cycles.append(" -> ".join([*trail[trail.index(target):], target]))
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("package", ["agent", "tools"])
def test_modules_stay_small(package: str) -> None:
    long_modules = [f"{path.relative_to(ROOT)} ({count} lines)" for path in (ROOT / package).rglob("*.py")
                    if (count := len(path.read_text(encoding="utf-8").splitlines())) > 450]
    assert long_modules == []
