"""Installed distributions (start-up): entry points scanned once per process, releases read from their headers.

Every lookup of an entry point (``importlib.metadata.entry_points``) reads the entry points
of every installed distribution anew, some 6 ms here; a build of the edition made five such
scans before any page was read: pybtex registering sphinxcontrib-bibtex's styles (twice),
Sphinx looking for themes, Pygments for styles, pybtex for plugins. :func:`entry_points`
gives the same answer from one scan, made again whenever a folder of ``sys.path`` changes
(a distribution installed or removed changes its folder's date) or ``sys.path`` itself does.
It replaces ``importlib.metadata.entry_points`` from the toolkit's import on, and the names
Sphinx's theming and registry imported from it before (:data:`IMPORTED_BY_NAME`).

A distribution's release (:func:`release`, in place of ``importlib.metadata.version`` too:
pybtex and sphinxcontrib-bibtex look theirs up in every build) is read from the ``Name`` and
``Version`` headers of its ``METADATA`` file, found by the ``<name>-<release>.dist-info``
folders of ``sys.path``, rather than by parsing the whole file as an e-mail message (half a
millisecond per distribution); anything else (an ``.egg-info`` first on the path, a file naming another
distribution, no such header, a finder of distributions other than the path's) is left to
the standard library's function.

``CRITICAL_EDITION_METADATACACHE=0`` scans at every lookup, as Python does.
"""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from critical_edition.core.switches import switched_on

if TYPE_CHECKING:
    from collections.abc import Callable

#: Set to ``0`` to scan the distributions at every lookup.
SWITCH = "CRITICAL_EDITION_METADATACACHE"
#: The modules that imported ``entry_points`` by name before the toolkit could replace it.
IMPORTED_BY_NAME = ("sphinx.theming", "sphinx.registry")

_original_entry_points = importlib.metadata.entry_points
_original_version = importlib.metadata.version
#: What is worked out of the distributions (the scan of entry points, the listing of
#: metadata folders), by name, with the state of ``sys.path`` it was worked out in.
_made: dict[str, tuple[tuple[tuple[str, int], ...], Any]] = {}


def path_state() -> tuple[tuple[str, int], ...]:
    """``sys.path`` with each folder's date: what a scan of the distributions depends on."""
    state = []
    for entry in sys.path:
        if not isinstance(entry, str):  # importlib.metadata skips them too
            continue
        try:
            # At every lookup: the strings of sys.path as they are, no path objects.
            state.append((entry, os.stat(entry or ".").st_mtime_ns))  # noqa: PTH116
        except (OSError, TypeError, ValueError):
            state.append((str(entry), -1))
    return tuple(state)


def _current(name: str, make: Callable[[tuple[tuple[str, int], ...]], Any]) -> Any:
    """What *make* works out of the distributions under *name*, made again only when
    ``sys.path`` or one of its folders has changed since (*make* is given their state)."""
    state = path_state()
    made = _made.get(name)
    if made is None or made[0] != state:
        made = (state, make(state))
        _made[name] = made
    return made[1]


def entry_points(**params: Any) -> Any:
    """``importlib.metadata.entry_points(**params)``, selected from one scan while
    ``sys.path`` and its folders stay as they are."""
    groups = _current("entry points", lambda _state: _original_entry_points())
    if not params and isinstance(groups, dict):
        # All of them, as Python 3.11 gives them: a dict of groups, which its caller may
        # change; a copy of it (the groups themselves are tuples, unchangeable), made with
        # dict's own methods (the class warns that its dict methods are deprecated).
        copied = type(groups)()
        dict.update(copied, dict.items(groups))
        return copied
    return groups.select(**params)


def normalised(name: str) -> str:
    """A distribution's name as packaging compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _metadata_folders() -> dict[str, Path | None]:
    """Each distribution's ``.dist-info`` folder, the first one along ``sys.path`` (as
    ``importlib.metadata`` finds it), by normalised name (None for a distribution whose
    first folder is an ``.egg-info``); listed again when ``sys.path`` or one of its folders
    changes."""
    folders: dict[str, Path | None] = _current("metadata folders", _list_metadata_folders)
    return folders


def _list_metadata_folders(state: tuple[tuple[str, int], ...]) -> dict[str, Path | None]:
    """:func:`_metadata_folders`, listed from the folders of *state*."""
    folders: dict[str, Path | None] = {}
    for entry, _ in state:
        try:
            names = os.listdir(entry or ".")  # noqa: PTH208 (names only, no paths)
        except (OSError, TypeError, ValueError):
            continue
        for name in names:
            if name.endswith(".dist-info"):
                # <name>-<release>.dist-info: a release has no hyphen, a name may.
                stem, hyphen, _release = name[: -len(".dist-info")].rpartition("-")
                if hyphen:
                    folders.setdefault(normalised(stem), Path(entry or ".", name))
            elif name.endswith(".egg-info"):
                # <name>[-<release>...].egg-info, earlier on the path: the standard
                # library's lookup finds it first, and reads it.
                folders.setdefault(
                    normalised(name.partition("-")[0].removesuffix(".egg-info")), None
                )
    return folders


def _header_release(folder: Path, name: str) -> str | None:
    """The ``Version`` header of *folder*'s ``METADATA``, if the file names the distribution
    *name* and has that header before its body."""
    headers: dict[str, str] = {}
    try:
        with (folder / "METADATA").open(encoding="utf-8") as stream:
            for line in stream:
                if not line.strip():
                    break  # the headers end here
                field, colon, value = line.partition(":")
                if colon and field in ("Name", "Version"):
                    headers.setdefault(field, value.strip())
    except (OSError, UnicodeDecodeError):
        return None
    if normalised(headers.get("Name", "")) != normalised(name):
        return None
    return headers.get("Version") or None


def _only_path_finders() -> bool:
    """Whether ``sys.path``'s folders are the only place the standard library looks for
    distributions (no other finder of ``sys.meta_path`` offers any)."""
    return all(
        getattr(finder, "find_distributions", None) is None
        or finder is importlib.machinery.PathFinder
        for finder in sys.meta_path
    )


def release(distribution_name: str) -> str:
    """``importlib.metadata.version``: the installed release of the distribution
    *distribution_name*, read from its metadata's headers when it can be (module
    docstring); raises ``PackageNotFoundError`` as the standard library does."""
    if switched_on(SWITCH) and _only_path_finders():
        folder = _metadata_folders().get(normalised(distribution_name))
        found = _header_release(folder, distribution_name) if folder is not None else None
        if found is not None:
            return found
    return _original_version(distribution_name)


def install() -> bool:
    """Put :func:`entry_points` and :func:`release` in place of the standard library's
    ``entry_points`` and ``version`` (unless switched off); whether they are in place."""
    if not switched_on(SWITCH):
        return False
    importlib.metadata.entry_points = entry_points
    importlib.metadata.version = release
    for module_name in IMPORTED_BY_NAME:
        module = sys.modules.get(module_name)
        if module is not None and getattr(module, "entry_points", None) is _original_entry_points:
            module.entry_points = entry_points  # type: ignore[attr-defined]
    return True
