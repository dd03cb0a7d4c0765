"""Test configuration: Sphinx's testing fixtures, with roots in tests/roots."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

# Before the toolkit is imported (it reads this then): the compiled patterns it keeps between
# runs (core/patterncache.py) go to a folder of this session, not the user's cache, and the
# folder goes at exit, after the toolkit's exit handler has written to it.
_PATTERN_FOLDER = tempfile.mkdtemp(prefix="critical-edition-test-cache-")
atexit.register(shutil.rmtree, _PATTERN_FOLDER, ignore_errors=True)
os.environ["CRITICAL_EDITION_CACHE_DIR"] = _PATTERN_FOLDER

import pytest
from critical_edition.speedups import versions

# Assertions in the shared helpers report their values as a test's do.
pytest.register_assert_rewrite("helpers")

pytest_plugins = ("sphinx.testing.fixtures",)

collect_ignore = ["roots"]

ROOTS = Path(__file__).parent / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    """Where the small test projects live (``@pytest.mark.sphinx(testroot="name")``)."""
    return ROOTS


@pytest.fixture(autouse=True)
def _installed_versions_looked_up_afresh() -> Iterator[None]:
    """Each test sees the installed releases as they are, or as it fakes them: the toolkit
    looks each one up once per process (speedups/versions.py installed_version), so a release
    faked by replacing ``versions.version`` is forgotten after the test that faked it."""
    versions.installed_version.cache_clear()
    yield
    versions.installed_version.cache_clear()
