"""Kept pickles (any phase): Python objects a cache keeps between builds, in one stamped file.

The file is a pickle of text and bytes only: the stamp of everything the value depends on,
the value's own pickle and that pickle's SHA-256. :func:`load` unpickles the value only when
the stamp is the one asked for and the bytes are whole, so a file written by other code or
settings, or damaged, is never unpickled into objects and reads as nothing kept (None),
without a traceback. :func:`save` writes through a temporary file replaced in one step; a file
that cannot be written leaves the cache only slower. Used by the .bib check's per-entry memo
and sphinxcontrib-bibtex's formatting cache.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from pathlib import Path

from critical_edition.core import atomic


class _PlainUnpickler(pickle.Unpickler):
    """An unpickler of plain data only (dicts, text, bytes): it refuses to look up any class,
    so the outer layer of a file written by other code creates no object of that code."""

    def find_class(self, module: str, name: str) -> type:
        raise pickle.UnpicklingError(f"not plain data: {module}.{name}")


def load(path: Path, stamp: str) -> object | None:
    """The value kept in *path* under *stamp*; None when there is none, it was kept under
    another stamp, or the file is damaged or written by other code."""
    try:
        with path.open("rb") as stream:
            outer = _PlainUnpickler(stream).load()
        # The outer layer holds only text and bytes: safe to load whatever code wrote it. The
        # value is unpickled only when the stamp matches and its bytes are whole.
        if not (isinstance(outer, dict) and outer.get("stamp") == stamp):
            return None
        inner = outer["value"]
        if hashlib.sha256(inner).hexdigest() != outer["digest"]:
            return None
        return pickle.loads(inner)  # type: ignore[no-any-return]
    except Exception:  # noqa: BLE001 (missing, damaged or foreign: nothing is kept)
        return None


def save(path: Path, stamp: str, value: object) -> bool:
    """Keep *value* in *path* under *stamp*; whether it was kept (a full disk or a read-only
    folder only makes the next build slower: the build goes on)."""
    inner = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    outer = {"stamp": stamp, "digest": hashlib.sha256(inner).hexdigest(), "value": inner}
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_bytes(path, pickle.dumps(outer, pickle.HIGHEST_PROTOCOL))
        return True
    return False
