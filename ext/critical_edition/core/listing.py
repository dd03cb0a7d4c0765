"""Output listing (write phase's end): a folder tree's files with given suffixes, in one walk; a file's status.

``Path.rglob`` builds a path object for every entry of the tree and matches each against a
pattern; the handlers that read the output at the end of every build (the stylesheet pruning,
the pages' slimming) ask only for files of a few kinds, in an output of a thousand entries
(the sources' copies, fonts, images). :func:`files_with_suffixes` walks the tree once with
``os.scandir`` (a file's kind comes with its name, no status asked but of a link) and makes
paths of the matching files only: the same list, in the same order.
"""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISREG
from typing import Any


def suffix(name: str) -> str:
    """The suffix of the file name *name* as ``Path.suffix`` gives it, without making a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def _walk(
    folder: str, parts: tuple[str, ...], suffixes: frozenset[str] | None, found: list[Any]
) -> None:
    """Add to *found* each file of *folder* (*parts* under the root) with one of *suffixes*
    (any file when None),
    as (its path's parts under the root, its path), then walk the subfolders (not through a
    link, as ``os.walk`` and ``Path.rglob``; an unreadable folder is skipped as there)."""
    try:
        with os.scandir(folder) as entries:
            listed = list(entries)
    except OSError:
        return
    for entry in listed:
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                _walk(entry.path, (*parts, entry.name), suffixes, found)
        elif (suffixes is None or suffix(entry.name) in suffixes) and entry.is_file():
            found.append(((*parts, entry.name), entry.path))


def named_files_with_suffixes(
    root: Path, suffixes: frozenset[str] | None
) -> list[tuple[str, Path]]:
    """:func:`files_with_suffixes`, each file with its name under *root* (as
    ``path.relative_to(root).as_posix()`` gives it, without working it out of the path); every
    file when *suffixes* is None (as ``sorted(p for p in root.rglob("*") if p.is_file())``)."""
    found: list[Any] = []
    _walk(str(root), (), suffixes, found)
    found.sort(key=lambda item: item[0])
    return [("/".join(parts), Path(path)) for parts, path in found]


def files_with_suffixes(root: Path, suffixes: frozenset[str]) -> list[Path]:
    """Every file under *root* (not following links to folders, as ``Path.rglob``) whose
    suffix (``Path.suffix``) is one of *suffixes*, sorted as paths.

    Sorted by their names' parts under *root* (the order of paths that share *root*: parts
    compared one by one, a path before those it leads to), paths made of the matches only.
    """
    return [path for _name, path in named_files_with_suffixes(root, suffixes)]


def file_key(path: Path) -> list[int] | None:
    """:func:`stat_key` of *path* if it is a file (``Path.is_file``), else None: one status
    asked, not two."""
    try:
        stat = path.stat()
    except (OSError, ValueError):
        return None
    if not S_ISREG(stat.st_mode):
        return None
    return _key(stat)


def stat_key(path: Path) -> list[int]:
    """What tells one state of a file from another: its size, its date, and its inode and
    change time (which no copy that keeps dates and no write within one tick of a coarse clock
    can hold equal)."""
    return _key(path.stat())


def _key(stat: os.stat_result) -> list[int]:
    """The fields of a file's status that :func:`stat_key` compares."""
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]
