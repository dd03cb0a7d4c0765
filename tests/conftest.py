"""Test configuration: Sphinx's testing fixtures, with roots in tests/roots."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

collect_ignore = ["roots"]

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where the small test projects live (``@pytest.mark.sphinx(testroot="name")``)."""
    return ROOTS
