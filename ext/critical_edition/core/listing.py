"""Output listing (write phase's end): a folder tree's files with given suffixes, in one walk; a file's status.

``Path.rglob`` builds a path object for every entry of the tree and matches each against a
pattern; the handlers that read the output at the end of every build (the stylesheet pruning,
the pages' slimming) ask only for files of a few kinds, in an output of a thousand entries
(the sources' copies, fonts, images). :func:`files_with_suffixes` walks the tree once with
``os.walk`` and makes paths of the matching files only: the same list, in the same order.
"""

from __future__ import annotations

import os
from pathlib import Path


def suffix(name: str) -> str:
    """The suffix of the file name *name* as ``Path.suffix`` gives it, without making a path."""
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def files_with_suffixes(root: Path, suffixes: frozenset[str]) -> list[Path]:
    """Every file under *root* (not following links to folders, as ``Path.rglob``) whose
    suffix (``Path.suffix``) is one of *suffixes*, sorted as paths."""
    found = [
        Path(folder, name)
        for folder, _folders, names in os.walk(root)
        for name in names
        if suffix(name) in suffixes
    ]
    return sorted(path for path in found if path.is_file())


def stat_key(path: Path) -> list[int]:
    """What tells one state of a file from another: its size, its date, and its inode and
    change time (which no copy that keeps dates and no write within one tick of a coarse clock
    can hold equal)."""
    stat = path.stat()
    return [stat.st_size, stat.st_mtime_ns, stat.st_ino, stat.st_ctime_ns]
