"""Kept maps (any phase): the state a cache keeps between builds, in one keyed JSON file.

The file holds one JSON object. :func:`read_state` gives it back only when the fields named
in *stamp* hold the values given there (the file's layout, the digest of all the state
depends on) and the fields named in *fields* hold values of the types given; a file that is
missing, unreadable, damaged, nested too deep, of another layout or written under another
key reads as an empty object, without a traceback. :func:`write_state` writes through a
temporary file replaced in one step, and only when the bytes changed; a file that cannot be
written leaves the cache only slower, never fails the build. :func:`read_map` and
:func:`write_map` keep a flat map of strings under a name, a format and a key (the stem memo,
furo's kept sidebar trees); :func:`output_holds` and :func:`keep_output` keep one output
file's inputs and bytes, to leave the file alone while both are the last build's (the
CSL-JSON, the claims export); the digest files of the theme's pruned sheets and the index
pages use :func:`read_state` and :func:`write_state` directly.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from critical_edition.core import atomic

T = TypeVar("T")

#: What a shape function may raise on a file of another shape (it then reads as not kept).
SHAPE_ERRORS = (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError)


def read_state(
    path: Path,
    *,
    stamp: Mapping[str, object] | None = None,
    fields: Mapping[str, type | tuple[type, ...]] | None = None,
) -> dict[str, Any]:
    """The JSON object kept in *path*, or ``{}``.

    :param stamp: fields the object must hold with exactly these values.
    :param fields: fields the object must hold with values of these types.
    """
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict):
        return {}
    for name, value in (stamp or {}).items():
        if name not in data or data[name] != value:
            return {}
    for name, kind in (fields or {}).items():
        if not isinstance(data.get(name), kind):
            return {}
    return data


def read_shaped(
    path: Path,
    shape: Callable[[dict[str, Any]], T],
    *,
    stamp: Mapping[str, object] | None = None,
    fields: Mapping[str, type | tuple[type, ...]] | None = None,
) -> T | None:
    """*shape* applied to :func:`read_state`'s object; None when nothing is kept or *shape*
    finds the object of another shape (raises one of :data:`SHAPE_ERRORS`)."""
    data = read_state(path, stamp=stamp, fields=fields)
    if not data:
        return None
    try:
        return shape(data)
    except SHAPE_ERRORS:
        return None


def string_map(value: object, limit: int | None = None) -> dict[str, str] | None:
    """*value* if it is a map of strings to strings of at most *limit* items, else None."""
    if not isinstance(value, dict) or (limit is not None and len(value) > limit):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        return None
    return value


def write_state(path: Path, state: Mapping[str, Any], *, sort_keys: bool = False) -> bool:
    """Keep *state* in *path* as one JSON object; whether it is kept there.

    ASCII only (a string with an unpaired surrogate is written as JSON's escape of it), and
    written only when the bytes changed. A file that cannot be written (a read-only or full
    disk, a file where the folder should be) returns False: a cache is only ever a shortcut.
    """
    try:
        text = json.dumps(state, ensure_ascii=True, separators=(",", ":"), sort_keys=sort_keys)
    except (TypeError, ValueError, RecursionError):
        return False
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic.update_text(path, text, encoding="ascii")
        return True
    return False


def read_map(path: Path, *, file_format: int, key: str, name: str, limit: int) -> dict[str, str]:
    """The map kept in *path* under *name*, if the file is *file_format* and *key*'s."""
    data = read_state(path, stamp={"format": file_format, "key": key})
    return string_map(data.get(name), limit) or {}


def write_map(
    path: Path, mapping: dict[str, str], *, file_format: int, key: str, name: str
) -> bool:
    """Keep *mapping* in *path* under *name*, *file_format* and *key*; whether it was kept."""
    return write_state(path, {"format": file_format, "key": key, name: mapping})


def output_holds(state: Path, inputs: str, output: Path) -> bool:
    """Whether *output* holds the bytes the last build wrote from the inputs digested as
    *inputs* (kept in *state* by :func:`keep_output`): the build can leave it as it is."""
    kept = read_state(state, stamp={"inputs": inputs}, fields={"output": str})
    return bool(kept) and kept["output"] == atomic.file_digest(output)


def keep_output(state: Path, inputs: str, output_digest: str) -> bool:
    """Keep in *state* that the output made from *inputs* holds the bytes whose digest is
    *output_digest* (SHA-256, as :func:`.atomic.file_digest` gives it)."""
    return write_state(state, {"inputs": inputs, "output": output_digest})
