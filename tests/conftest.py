"""Test configuration: Sphinx's testing fixtures, with roots in tests/roots."""

from __future__ import annotations

from pathlib import Path

import pytest

# Assertions in the shared helpers report their values as a test's do.
pytest.register_assert_rewrite("helpers")

pytest_plugins = ("sphinx.testing.fixtures",)

collect_ignore = ["roots"]

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where the small test projects live (``@pytest.mark.sphinx(testroot="name")``)."""
    return ROOTS
