"""Speed-ups' guard (setup): each patch runs only on the versions of its package the tests cover.

A patch of another package's internals is correct only for the code it was written against.
:func:`covered` answers whether the installed release of a package is one of those; when it is
not, the patch stands aside, the stock behaviour runs, and one info line says why, so that a
new upstream release can never silently change the edition's output.
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError
from typing import Any

from sphinx.util import logging

# A distribution's release, read from its metadata's headers (a test fakes one by replacing
# ``versions.version``).
from critical_edition.core.distributions import release as version

# Each speed-up's switch is read by the same rule (re-exported for the speed-ups).
from critical_edition.core.switches import switched_on as switched_on  # noqa: PLC0414 (re-export)

logger = logging.getLogger(__name__)

#: The releases each patched package is tested with (a version must start with one of these).
#: Widen only after the tests that pin the patched code pass on the new release
#: (tests/test_navigation.py, tests/test_bibcache.py, tests/test_doctrees.py,
#: tests/test_design_scan.py, tests/test_inventory.py, tests/test_node_census.py); pyproject.toml
#: pins the same ranges.
COVERED = {
    "furo": ("2025.",),
    "myst-parser": ("5.",),
    "pybtex": ("0.26.",),
    "sphinx": ("9.0.",),
    "sphinx-design": ("0.8.",),
    "sphinxcontrib-bibtex": ("2.7.",),
}

_said: set[tuple[str, str]] = set()


def covered(patch: str, *packages: str) -> bool:
    """Whether every package of *packages* is installed in a release the tests cover.

    :param patch: the patch's name, for the info line.
    :param packages: the distributions the patch touches (keys of :data:`COVERED`).

    The releases are looked up once per process (:func:`installed_version`).
    """
    for package in packages:
        installed = installed_version(package)
        if installed is None:
            return False
        if not installed.startswith(COVERED[package]):
            if (patch, installed) not in _said:
                _said.add((patch, installed))
                accepted = ", ".join(f"{prefix}*" for prefix in COVERED[package])
                logger.info(
                    "critical_edition: the %s is off: %s %s is not a release it was tested "
                    "with (%s); building with the stock code",
                    patch,
                    package,
                    installed,
                    accepted,
                )
            return False
    return True


@functools.cache
def installed_version(name: str) -> str | None:
    """The installed release of the distribution *name* (None when it is not installed).

    Looked up once per process (:func:`critical_edition.core.distributions.release`): a
    running process keeps the code it imported whatever is installed meanwhile. A test that
    fakes a release by replacing ``version`` here calls
    ``installed_version.cache_clear()`` (tests/conftest.py clears it around every test).
    """
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def kept_file_key(file_format: int, packages: tuple[str, ...], code: str) -> str:
    """The key of a file a speed-up keeps between builds, digested: its layout, the releases
    of *packages* (the code besides the toolkit's its content depends on), Python's version
    and the toolkit's code stamp *code*."""
    parts = (
        file_format,
        [(name, installed_version(name)) for name in packages],
        sys.version,
        code,
    )
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def extension_releases(extensions: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Each extension of an application (``app.extensions``) with its release, sorted: what a
    kept output rendered by their code depends on."""
    return sorted((name, str(getattr(ext, "version", None))) for name, ext in extensions.items())
