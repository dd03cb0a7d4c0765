"""The toolkit's shape: sub-packages by concern, imports running one way, small modules.

Every import is counted, deferred ones (inside functions) and type-checking ones included.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "ext" / "critical_edition"
NAME = "critical_edition"

#: The sub-packages, lowest first: a module may import from its own layer or a lower one.
LAYERS = (
    "core",
    "speedups",
    "claims",
    "apparatus",
    "bibliography",
    "integrity",
    "writers",
    "outputs",
    "linkcheck",
    "cli",
)
#: The package's own top-level modules sit above every layer.
TOP = len(LAYERS)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) < 2 or parts[1] not in LAYERS:
        return TOP
    return LAYERS.index(parts[1])


def imports_of(module: str) -> set[str]:
    """The package's modules that *module* imports, anywhere in its code."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                origin = ".".join([*base, node.module] if node.module else base)
            else:
                origin = node.module or ""
            # ``from package import module`` imports the module; ``from module import name``
            # the module itself.
            targets = [f"{origin}.{alias.name}" for alias in node.names]
            if not all(target in MODULES for target in targets):
                targets.append(origin)
        else:
            continue
        for target in targets:
            # The longest prefix that is one of the package's modules.
            parts = target.split(".")
            for end in range(len(parts), 0, -1):
                candidate = ".".join(parts[:end])
                if candidate in MODULES:
                    if candidate != module and candidate != NAME:
                        found.add(candidate)
                    break
    return found


GRAPH = {module: imports_of(module) for module in MODULES}


def test_the_layers_are_known() -> None:
    subpackages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert subpackages == set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_one_way(module: str) -> None:
    upward = sorted(target for target in GRAPH[module] if layer(target) > layer(module))
    assert upward == [], f"{module} (layer {layer(module)}) imports from a higher layer"


def test_no_import_cycle() -> None:
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_at_most_fifteen_modules_at_the_top() -> None:
    flat = sorted(path.name for path in PACKAGE.glob("*.py"))
    assert len(flat) <= 15, flat


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_600_lines(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= 600, f"{module} has {lines} lines"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_every_module_says_its_place(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    docstring = ast.get_docstring(tree)
    assert docstring, f"{module} has no docstring"
