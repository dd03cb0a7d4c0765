"""The test suite itself: no assertion that could pass vacuously inside an empty loop.

A test that asserts only inside ``for item in things:`` passes when *things* is empty, which
is what a broken build or a changed selector gives. Such a loop must iterate over a fixed
collection (a literal, a constant, an enumeration), or the test must assert something outside
the loop too (usually that the collection is not empty).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: Names of enumerations and constants a loop may run over without a separate check.
FIXED = {"ClaimStatus", "ActorType", "EntityKind", "NoteKind", "Subtype"}


def _fixed(iterable: ast.expr) -> bool:
    if isinstance(iterable, ast.Tuple | ast.List | ast.Set | ast.Dict | ast.Constant):
        return True
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute):
        # CONSTANT.items(), CONSTANT.values() ...
        return _fixed(iterable.func.value)
    if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Name):
        if iterable.func.id in {"sorted", "list", "tuple", "enumerate", "zip"} and iterable.args:
            return all(_fixed(arg) for arg in iterable.args)
        return False
    name = iterable.id if isinstance(iterable, ast.Name) else None
    if isinstance(iterable, ast.Attribute):
        name = iterable.attr
    return name is not None and (name.isupper() or name in FIXED)


def vacuous_loops(path: Path) -> list[str]:
    """``file:line`` of each loop in a test that is the test's only place of assertions."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or not function.name.startswith("test"):
            continue
        loops = [
            node
            for node in function.body
            if isinstance(node, ast.For) and any(isinstance(n, ast.Assert) for n in ast.walk(node))
        ]
        outside = [node for node in function.body if isinstance(node, ast.Assert)]
        found.extend(
            f"{path.name}:{loop.lineno}" for loop in loops if not outside and not _fixed(loop.iter)
        )
    return found


@pytest.mark.parametrize("path", sorted(TESTS.glob("test_*.py")), ids=lambda p: p.name)
def test_no_assertion_passes_vacuously_in_an_empty_loop(path: Path) -> None:
    assert vacuous_loops(path) == []
